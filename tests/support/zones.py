"""A meeting in Makassar (WITA) at a fixed moment, and a page's text, for time-zone tests."""

from datetime import UTC, datetime

MOMENT = datetime(2026, 12, 6, 12, 51, 0, 882574, tzinfo=UTC)


MAKASSAR = "Asia/Makassar"


def text(response) -> str:
    return response.content.decode()
