"""Text that goes into the XML files (Moodle XML, QTI): only characters XML 1.0 allows.

ElementTree escapes "<" and "&" itself, but writes a control character as it is,
which no XML parser reads back. Facts are checked text, so this is a last guard.
"""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """The text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)
