"""Reading MSPDI files with MPXJ, and checking them against MPXJ's MSPDI schema binding.

MPXJ's ``org.mpxj.mspdi.schema`` classes are generated from Microsoft's MSPDI XSD, so
they carry its element names, nesting, order (``propOrder``), required elements and
value types. :func:`schema_problems` checks a document against them: unknown or
misplaced elements and unparsable values are reported by JAXB's unmarshaller, order,
required and repeated elements are checked here from the binding's annotations.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

Binding = dict[str, tuple[int, bool, bool, Any]]  # element -> (position, required, many, class)


def read_project(path: Path) -> Any:
    """An MPXJ ProjectFile read by MPXJ's UniversalProjectReader (it detects the format)."""
    from org.mpxj.reader import UniversalProjectReader

    project = UniversalProjectReader().read(str(path))
    assert project is not None, f"MPXJ could not read {path}"
    return project


_BINDINGS: dict[str, Binding] = {}


def _binding(cls: Any) -> Binding:
    from jakarta.xml.bind import annotation as ann

    key = str(cls.getName())
    if key in _BINDINGS:
        return _BINDINGS[key]
    xml_type = cls.getAnnotation(ann.XmlType)
    order = [str(p) for p in xml_type.propOrder()] if xml_type is not None else []
    out: Binding = {}
    for field in cls.getDeclaredFields():
        xe = field.getAnnotation(ann.XmlElement)
        if xe is None or str(field.getName()) not in order:
            continue
        name = str(xe.name()) if str(xe.name()) != "##default" else str(field.getName())
        many = field.getType().getName() == "java.util.List"
        if many:
            element_class = field.getGenericType().getActualTypeArguments()[0]
        else:
            element_class = field.getType()
        out[name] = (order.index(str(field.getName())), bool(xe.required()), many, element_class)
    _BINDINGS[key] = out
    return out


def _structure(el: ET.Element, cls: Any, path: str, problems: list[str]) -> None:
    binding = _binding(cls)
    if not binding:
        return  # a simple value
    last = -1
    seen: dict[str, int] = {}
    for child in el:
        name = child.tag.rsplit("}", 1)[-1]
        where = f"{path}/{name}"
        if name not in binding:
            problems.append(f"{where}: not an element of {path.rsplit('/', 1)[-1]}")
            continue
        position, _, many, child_cls = binding[name]
        if position < last:
            problems.append(f"{where}: out of order (the schema's sequence puts it earlier)")
        last = max(last, position)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1 and not many:
            problems.append(f"{where}: repeated, the schema allows one")
        _structure(child, child_cls, where, problems)
    for name, (_, required, _, _) in binding.items():
        if required and name not in seen:
            problems.append(f"{path}: missing required element {name}")


def schema_problems(xml_text: str) -> list[str]:
    """Everything MPXJ's MSPDI binding finds wrong with a document (empty: it conforms)."""
    import jpype
    from jakarta.xml.bind import JAXBContext, ValidationEventHandler
    from java.io import StringReader
    from javax.xml.transform.stream import StreamSource
    from org.mpxj.mspdi import schema

    problems: list[str] = []

    @jpype.JImplements(ValidationEventHandler)
    class Collect:
        @jpype.JOverride
        def handleEvent(self, event: Any) -> bool:
            loc = event.getLocator()
            problems.append(f"line {loc.getLineNumber()}: {event.getMessage()}")
            return True

    unmarshaller = JAXBContext.newInstance(schema.ObjectFactory).createUnmarshaller()
    unmarshaller.setEventHandler(Collect())
    unmarshaller.unmarshal(StreamSource(StringReader(xml_text)))
    root = ET.fromstring(xml_text)
    _structure(root, schema.Project.class_, "Project", problems)
    return problems
