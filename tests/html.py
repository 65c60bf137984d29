"""Read a page as a user would: the text of a table's cells, row by row."""

import re
from html.parser import HTMLParser


class _TableReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = self._in_cell = False
        self._row: list[str] | None = None
        self._cell: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ARG002 (HTMLParser's hook)
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._in_cell, self._cell = True, []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._in_cell and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._in_cell = False
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_cell:
            self._cell.append(data)


def table_rows(response) -> list[list[str]]:
    """The body rows of the (first) table in the page, each a list of its cells' visible text."""
    reader = _TableReader()
    reader.feed(response.content.decode())
    return reader.rows


class _HeaderReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headers: list[str] = []
        self._cell: list[str] | None = None
        self._done = False

    def handle_starttag(self, tag, attrs):  # noqa: ARG002 (HTMLParser's hook)
        if tag == "th" and not self._done:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "th" and self._cell is not None:
            self.headers.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "thead":
            self._done = True

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_headers(response) -> list[str]:
    """The visible text of the column headers of the (first) table in the page."""
    reader = _HeaderReader()
    reader.feed(response.content.decode())
    return reader.headers


# What a browser keeps of an input's value attribute (HTML's value sanitization): anything else
# in a date or time input is shown as empty and sent as "".
_VALID_VALUE = {
    "date": re.compile(r"\d{4,}-\d\d-\d\d"),
    "time": re.compile(r"\d\d:\d\d(:\d\d(\.\d{1,3})?)?"),
    "datetime-local": re.compile(r"\d{4,}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,3})?)?"),
}


class _FormReader(HTMLParser):
    """The fields of the page's first form with method="post" in <main> (not the navigation
    bar's), as a browser would submit it untouched."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.inputs: list[dict] = []
        self._state = "outside"  # outside <main>, before, inside, after the form
        self._select: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "main" and self._state == "outside":
            self._state = "before"
        if tag == "form" and self._state == "before" and attrs.get("method", "").lower() == "post":
            self._state = "inside"
        if self._state != "inside":
            return
        if tag == "input":
            self.inputs.append(attrs)
            self._input(attrs)
        elif tag == "select" and "name" in attrs:
            self._select = {"name": attrs["name"], "first": None, "chosen": []}
            self._select["multiple"] = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)
        elif tag == "textarea" and "name" in attrs:
            self._textarea = {"name": attrs["name"], "text": []}

    def _input(self, attrs):
        kind, name = attrs.get("type", "text").lower(), attrs.get("name")
        if not name or kind in {"submit", "button", "reset", "file", "image"}:
            return
        if kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                self.fields.append((name, attrs.get("value", "on")))
            return
        value = attrs.get("value", "")
        if kind in _VALID_VALUE and not _VALID_VALUE[kind].fullmatch(value):
            value = ""
        self.fields.append((name, value))

    def handle_endtag(self, tag):
        if self._state != "inside":
            return
        if tag == "form":
            self._state = "after"
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = select["chosen"] or ([] if select["multiple"] else [select["first"] or ""])
            self.fields += [(select["name"], value) for value in chosen]
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea["text"])
            self.fields.append((self._textarea["name"], text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"].append(data)


def submitted_form(response) -> dict[str, list[str]]:
    """The first POST form of the page as the browser would send it back unchanged: each name
    with its values (a date or time the browser cannot read is sent empty, as a browser does)."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return data


def form_inputs(response) -> list[dict]:
    """The attributes of every <input> of the page's first POST form."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.inputs


class _OptionReader(HTMLParser):
    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.options: list[str] = []
        self._inside = self._in_option = False

    def handle_starttag(self, tag, attrs):
        if tag == "select" and dict(attrs).get("name") == self.name:
            self._inside = True
        elif tag == "option" and self._inside:
            self._in_option = True
            self.options.append("")

    def handle_endtag(self, tag):
        if tag == "select":
            self._inside = False
        elif tag == "option":
            self._in_option = False

    def handle_data(self, data):
        if self._in_option:
            self.options[-1] += data


def select_options(response, name: str) -> list[str]:
    """The visible text of the options of the page's first select named `name`."""
    reader = _OptionReader(name)
    reader.feed(response.content.decode())
    return [" ".join(option.split()) for option in reader.options]
