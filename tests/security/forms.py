"""Find the forms of quizapp's pages: which fields each POST address takes."""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser

FILE = "<file>"  # the value recorded for a file input


class FormParser(HTMLParser):
    """Collects, per (method, form action), the names of its fields and their values."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._action: tuple[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").upper()
            self._action = (method, (attrs.get("action") or self.page_url).split("?")[0])
            return
        if self._action is None:
            return
        fields = self.forms[self._action]
        name = attrs.get("name")
        if tag == "select" and name:
            # Its values are those of its options; a selected one first.
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if "selected" in attrs:
                fields[self._select].insert(0, value)
            else:
                fields[self._select].append(value)
        elif tag in ("input", "textarea", "button") and name:
            value = FILE if attrs.get("type") == "file" else attrs.get("value") or ""
            if "checked" in attrs:
                fields[name].insert(0, value)
            else:
                fields[name].append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self._action = None
        elif tag == "select":
            self._select = None


def page_forms(page_url: str, html: str) -> dict[tuple[str, str], dict[str, list[str]]]:
    parser = FormParser(page_url)
    parser.feed(html)
    return parser.forms
