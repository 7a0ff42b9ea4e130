"""MPXJ, a real independent MSPDI reader and writer, in a JVM started once per session.

MPXJ (``mpxj`` on PyPI, the ``mspdi`` extra) runs on a Java runtime through JPype;
.ci/run installs both. Without them these tests skip locally and fail under CI, so a
missing install step cannot pass as green.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it: see .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def jvm() -> Any:
    """The jpype module with a running JVM whose class path holds MPXJ's jars."""
    try:
        import jpype
        import mpxj  # noqa: F401  (adds MPXJ's jars to the class path)
    except ImportError:
        _missing("mpxj/JPype1 not installed: pip install -e '.[mspdi]'")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _missing("no Java runtime: apt-get install default-jre-headless")
    if not jpype.isJVMStarted():
        jpype.startJVM(convertStrings=True)
    return jpype
