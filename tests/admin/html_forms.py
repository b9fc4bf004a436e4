"""What a browser would submit from an admin page's form: every field's current value, read from the HTML."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_multiple = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            self._input(name, attrs)
        elif tag == "select" and name:
            self._select, self._select_first, self._select_multiple = name, None, "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.data.setdefault(self._select, []).append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, [""])

    def _input(self, name, attrs):
        kind = attrs.get("type", "text")
        if kind in {"submit", "button", "file", "image", "reset"}:
            return
        if kind in {"checkbox", "radio"} and "checked" not in attrs:
            return
        self.data.setdefault(name, []).append(attrs.get("value", "on" if kind == "checkbox" else ""))

    def handle_data(self, data):
        if self._textarea:
            # a browser sends a textarea's lines ending in CRLF, whatever the page had
            text = data[1:] if data.startswith("\n") and not self.data[self._textarea][0] else data
            self.data[self._textarea][0] += text.replace("\r\n", "\n").replace("\n", "\r\n")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if self._select not in self.data and self._select_first is not None and not self._select_multiple:
                self.data[self._select] = [self._select_first]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(html: str, form_id: str) -> dict[str, list[str]]:
    """The fields of ``<form id=form_id>`` as a browser would post them (a list of values per name)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.data
