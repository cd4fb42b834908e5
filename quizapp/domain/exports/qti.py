"""An IMS QTI 2.1 content package (.zip) for Canvas, Blackboard and other QTI tools.

The package holds `imsmanifest.xml` (IMS Content Packaging 1.1), one
`items/<id>.xml` assessment item per question, and `test.xml`, an assessment
test that lists every item in deck order (so a tool that imports a quiz gets
one, and one that imports a bank gets the items):

- `SINGLE` and `TRUE_FALSE` -> a choiceInteraction with one right choice,
  scored by the standard "match_correct" template;
- `MULTIPLE` -> a choiceInteraction of any number of choices, each right
  choice worth its share of the marks and each wrong one minus its share
  (bounded to 0..1), scored by "map_response";
- `SHORT` -> a textEntryInteraction; every accepted answer maps to full marks,
  not case-sensitive ("map_response").

Identifiers are XML names made from quizapp's stable ids ("item-<question id>"),
so a package exported again names the same items the same way. Written with
ElementTree; the zip is deterministic (entries stamped with the export's time).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime
from typing import IO

from quizapp.domain.anki.content import ExportSet, Progress, _no_progress
from quizapp.domain.exports.items import (
    MULTIPLE,
    SHORT,
    Item,
    credit_shares,
    deck_title,
    items,
)
from quizapp.domain.exports.xmltext import xml_document, xml_text

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
TEMPLATES = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
CHOICE_IDS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def write_qti(export: ExportSet, out: IO[bytes], progress: Progress = _no_progress) -> None:
    """Write the export's questions as a QTI 2.1 content package (a zip)."""
    chosen = list(items(export))
    moment = datetime.fromtimestamp(max(export.timestamp, 315_532_800), UTC)  # zip: >= 1980
    date_time = moment.timetuple()[:6]
    files = [(f"items/{item.id}.xml", assessment_item(item)) for item in chosen]
    files.append(("test.xml", assessment_test(export, chosen)))
    files.append(("imsmanifest.xml", manifest(export, chosen)))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, element in sorted(files, key=lambda pair: pair[0] != "imsmanifest.xml"):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, _xml_bytes(element))
    progress(len(export.facts))


def item_identifier(item: Item) -> str:
    return f"item-{item.id}"


def _xml_bytes(element: ET.Element) -> bytes:
    return xml_document(element)


def _root(tag: str, namespace: str, schema: str, attributes: dict[str, str]) -> ET.Element:
    """A root element whose namespace is the document's default one.

    ElementTree would write "ns0:" before every tag, which some QTI importers
    don't read, and refuses a default namespace with unprefixed attributes; so
    the tags stay plain and the root declares the namespaces itself.
    """
    declared = {
        "xmlns": namespace,
        "xmlns:xsi": XSI_NS,
        "xsi:schemaLocation": schema,
    }
    return ET.Element(tag, declared | attributes)


def assessment_item(item: Item) -> ET.Element:
    """One item as a QTI 2.1 assessmentItem."""
    root = _root(
        "assessmentItem",
        QTI_NS,
        f"{QTI_NS} {QTI_XSD}",
        {
            "identifier": item_identifier(item),
            "title": xml_text(item.name),
            "adaptive": "false",
            "timeDependent": "false",
        },
    )
    if item.shape == SHORT:
        _short_item(root, item)
    else:
        _choice_item(root, item)
    return root


def _response(root: ET.Element, cardinality: str, base_type: str) -> ET.Element:
    return ET.SubElement(
        root,
        "responseDeclaration",
        identifier="RESPONSE",
        cardinality=cardinality,
        baseType=base_type,
    )


def _score(root: ET.Element) -> None:
    outcome = ET.SubElement(
        root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float"
    )
    default = ET.SubElement(outcome, "defaultValue")
    ET.SubElement(default, "value").text = "0"


def _choice_item(root: ET.Element, item: Item) -> None:
    ids = dict(zip(item.options, CHOICE_IDS, strict=False))
    multiple = item.shape == MULTIPLE
    response = _response(root, "multiple" if multiple else "single", "identifier")
    correct = ET.SubElement(response, "correctResponse")
    for option in item.options:
        if item.is_correct(option):
            ET.SubElement(correct, "value").text = ids[option]
    if multiple:
        mapping = ET.SubElement(
            response, "mapping", lowerBound="0", upperBound="1", defaultValue="0"
        )
        for option, share in credit_shares(item).items():
            ET.SubElement(mapping, "mapEntry", mapKey=ids[option], mappedValue=f"{share:g}")
    _score(root)
    body = ET.SubElement(root, "itemBody")
    interaction = ET.SubElement(
        body,
        "choiceInteraction",
        responseIdentifier="RESPONSE",
        shuffle="false",
        maxChoices="0" if multiple else "1",
    )
    ET.SubElement(interaction, "prompt").text = xml_text(item.prompt)
    for option in item.options:
        choice = ET.SubElement(interaction, "simpleChoice", identifier=ids[option])
        choice.text = xml_text(option)
    template = "map_response" if multiple else "match_correct"
    ET.SubElement(root, "responseProcessing", template=TEMPLATES + template)


def _short_item(root: ET.Element, item: Item) -> None:
    response = _response(root, "single", "string")
    correct = ET.SubElement(response, "correctResponse")
    ET.SubElement(correct, "value").text = xml_text(item.correct[0])
    mapping = ET.SubElement(response, "mapping", defaultValue="0")
    for accepted in item.correct:
        ET.SubElement(
            mapping,
            "mapEntry",
            mapKey=xml_text(accepted),
            mappedValue="1",
            caseSensitive="false",
        )
    _score(root)
    body = ET.SubElement(root, "itemBody")
    ET.SubElement(body, "p").text = xml_text(item.prompt)
    holder = ET.SubElement(body, "p")
    longest = max(len(answer) for answer in item.correct)
    ET.SubElement(
        holder,
        "textEntryInteraction",
        responseIdentifier="RESPONSE",
        expectedLength=str(max(longest, 10)),
    )
    ET.SubElement(root, "responseProcessing", template=TEMPLATES + "map_response")


def assessment_test(export: ExportSet, chosen: list[Item]) -> ET.Element:
    """A test of every item, in one section, in deck order."""
    title = xml_text(deck_title(export))
    root = _root(
        "assessmentTest",
        QTI_NS,
        f"{QTI_NS} {QTI_XSD}",
        {"identifier": f"test-{export.deck.key}", "title": title},
    )
    part = ET.SubElement(
        root,
        "testPart",
        identifier="part-1",
        navigationMode="nonlinear",
        submissionMode="simultaneous",
    )
    section = ET.SubElement(
        part, "assessmentSection", identifier="section-1", title=title, visible="true"
    )
    for item in chosen:
        ET.SubElement(
            section,
            "assessmentItemRef",
            identifier=item_identifier(item),
            href=f"items/{item.id}.xml",
        )
    return root


def manifest(export: ExportSet, chosen: list[Item]) -> ET.Element:
    """imsmanifest.xml: the test and every item as resources, the test depending on them."""
    root = _root(
        "manifest",
        CP_NS,
        f"{CP_NS} {CP_XSD} {QTI_NS} {QTI_XSD}",
        {"identifier": f"manifest-{export.deck.key}"},
    )
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "QTIv2.1 Package"
    ET.SubElement(metadata, "schemaversion").text = "1.0.0"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    test = ET.SubElement(
        resources,
        "resource",
        identifier=f"test-{export.deck.key}",
        type="imsqti_test_xmlv2p1",
        href="test.xml",
    )
    ET.SubElement(test, "file", href="test.xml")
    for item in chosen:
        ET.SubElement(test, "dependency", identifierref=item_identifier(item))
    for item in chosen:
        href = f"items/{item.id}.xml"
        resource = ET.SubElement(
            resources,
            "resource",
            identifier=item_identifier(item),
            type="imsqti_item_xmlv2p1",
            href=href,
        )
        ET.SubElement(resource, "file", href=href)
    return root
