"""Read a page as a user would: the text of a table's cells, row by row."""

from html.parser import HTMLParser


class _TableReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = self._in_cell = False
        self._row: list[str] | None = None
        self._cell: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._in_cell, self._cell = True, []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._in_cell:
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
