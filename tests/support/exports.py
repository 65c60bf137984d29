"""A table's download as a user gets it: the CSV read from its stream; the XLSX asked for with
the page's POST, built by the (inline) Celery task, and downloaded from the link its page
shows once it is ready."""

import re
from urllib.parse import urlencode

from django.http import HttpResponse
from django.test import TestCase


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def download(client, url: str, query: dict | None = None) -> HttpResponse:
    """The file at the export `url` (ending .csv or .xlsx) for the table's `query`, as a
    response whose `content` is the file's bytes."""
    query = {name: str(value) for name, value in (query or {}).items()}
    if url.endswith(".csv"):
        response = client.get(url, query)
    else:
        with TestCase.captureOnCommitCallbacks(execute=True):
            asked = client.post(url, {"query": urlencode(query)})
        if asked.status_code != 302:
            return asked
        page = client.get(asked["Location"])
        assert page.status_code == 200
        link = re.search(r'href="(/exports/\d+/download)"', page.content.decode())
        assert link, "the export's page shows no download link"
        response = client.get(link.group(1))
    if response.status_code != 200:
        return response
    file = HttpResponse(_body(response), status=response.status_code)
    for header in ("Content-Type", "Content-Disposition", "Cache-Control"):
        if header in response:
            file[header] = response[header]
    return file
