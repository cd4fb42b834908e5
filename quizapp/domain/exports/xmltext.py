"""The XML files (Moodle XML, QTI): their text, only characters XML 1.0 allows, and
the document's bytes.

ElementTree escapes "<" and "&" itself, but writes a control character as it is,
which no XML parser reads back. Facts are checked text, so this is a last guard.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """The text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def xml_document(root: ET.Element) -> bytes:
    """The indented document, UTF-8, with its XML declaration.

    Serialised to one string and encoded once: ElementTree's `write` to a byte
    stream encodes each of its many small writes, which was most of the time of
    a large export.
    """
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return ("<?xml version='1.0' encoding='UTF-8'?>\n" + text + "\n").encode("utf-8")
