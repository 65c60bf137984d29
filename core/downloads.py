"""A generated document (a PDF, a Word file) as a download or, when it cannot be made, a message
on the page the user came from.

The renderers (WeasyPrint, python-docx) fail on things nobody can fix from a download link: an
image or a font that will not load, a bug in the library. Whatever they raise is logged with its
traceback for the administrator, and the user is told in their language instead of seeing a
server error."""

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

log = logging.getLogger(__name__)


def rendered_or_back(
    request: HttpRequest,
    *,
    render: Callable[[], bytes],
    respond: Callable[[bytes], HttpResponse],
    document: str,
    back: str,
) -> HttpResponse:
    """`respond(render())`. If `render` raises, the error is logged and the user is sent back
    to the page that linked here (else to `back`) with a message naming `document`."""
    try:
        content = render()
    except Exception:
        log.exception("The file of %s could not be made", request.path)
        messages.error(
            request,
            _(
                "The file “%(document)s” could not be made. Please try again later; if it keeps "
                "happening, tell the administrator."
            )
            % {"document": document},
        )
        return redirect(_came_from(request) or back)
    return respond(content)


def _came_from(request: HttpRequest) -> str:
    """The page of this site that linked here, when the browser says (SECURE_REFERRER_POLICY
    sends the Referer within the site); never the download itself, which would loop."""
    referer = request.headers.get("Referer", "")
    on_this_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if on_this_site and urlsplit(referer).path != request.path else ""


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# What the user is told when a record could not be rendered or signed (the cause is logged).
NOT_MADE = gettext_lazy(
    "The document could not be made, so nothing was changed. Please try again later; if it "
    "keeps happening, tell the administrator."
)
