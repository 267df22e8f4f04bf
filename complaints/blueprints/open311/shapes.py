"""Open311's two shapes of every answer: JSON (Flask's encoder, the spec's order of fields) and the spec's XML, with
the content types of its "Format Support" section."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from flask import current_app

#: Content types as the spec's "Format Support" section gives them.
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

#: In XML, the element of each item of a list, by the list's element (the spec's examples; JSON has plain arrays).
LIST_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def error_body(status: int, descriptions: list[str]) -> list[dict]:
    return [{"code": status, "description": description} for description in descriptions]


def _xml_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        child = LIST_ITEMS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, child), item)
    else:
        element.text = _xml_text(value)


def to_xml(root: str, data) -> bytes:
    """The spec's XML: schemaless, no namespace, UTF-8 with its declaration; ElementTree escapes the text."""
    element = ET.Element(root)
    _fill(element, data)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def render(fmt: str, root: str, data, *, status: int = 200, headers: dict | None = None):
    """JSON (Flask's encoder) or XML, with the content types of the spec's "Format Support"."""
    # The spec's order of fields, not the alphabet (Flask sorts keys by default).
    body = to_xml(root, data) if fmt == "xml" else current_app.json.dumps(data, sort_keys=False)
    return current_app.response_class(body, status=status, headers=headers or {}, content_type=CONTENT_TYPES[fmt])


def render_errors(fmt: str, status: int, descriptions: list[str], headers=None):
    return render(fmt, "errors", error_body(status, descriptions), status=status, headers=headers)
