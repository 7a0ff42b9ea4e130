"""Assemble Microsoft's MSPDI XSD from its published schema reference, for a local check.

Microsoft publishes the Project 2007 XML Data Interchange Schema (mspdi_pj12.xsd) in
pieces, one page per element, in the repository MicrosoftDocs/office-developer-
msproject-xml-docs (folder project-xml-data-interchange/). It is not redistributable,
so it is not in this repository; with a checkout of those docs::

    python -m tests.integrations.mspdi.assemble_xsd DOCS_CHECKOUT /tmp/mspdi.xsd
    PLANNER_MSPDI_XSD=/tmp/mspdi.xsd pytest tests/integrations/mspdi -k microsoft

The namespace is the one MS Project writes and reads (without the ``/2007`` the
reference pages show).
"""

from __future__ import annotations

import sys
from pathlib import Path

PIECES = {
    "OutlineCodes": "outlinecodes",
    "WBSMasks": "wbsmasks",
    "ExtendedAttributes": "extendedattributes",
    "Calendars": "calendars",
    "Tasks": "tasks",
    "Resources": "resources",
    "Assignments": "assignments",
}


def _code(docs: Path, page: str) -> str:
    text = (docs / "project-xml-data-interchange" / f"xml-schema-for-the-{page}.md").read_text()
    return text[text.find("```") : text.rfind("```")]


def _from(block: str, start: str) -> str:
    return block[block.index(start) :].rstrip()


def assemble(docs: Path) -> str:
    """The whole schema: the Project element page with every elided part filled in."""
    schema = _code(docs, "project-element")
    schema = schema[schema.index("<?xml") :]
    timephased = '<xsd:complexType name="TimephasedDataType">'
    schema = schema.replace(
        f"{timephased} . . . </xsd:complexType>",
        _from(_code(docs, "timephaseddatatype-complex-type"), timephased),
    )
    for element, page in PIECES.items():
        start = f'<xsd:element name="{element}"'
        schema = schema.replace(
            f'{start} minOccurs="0"> . . . </xsd:element>',
            _from(_code(docs, f"{page}-element"), start),
        )
    if ". . ." in schema:
        raise ValueError("a part of the schema is still elided")
    schema = schema.replace(
        "http://schemas.microsoft.com/project/2007", "http://schemas.microsoft.com/project"
    )
    return schema.rstrip() + "\n</xsd:schema>\n"


if __name__ == "__main__":
    Path(sys.argv[2]).write_text(assemble(Path(sys.argv[1])), encoding="utf-8")
