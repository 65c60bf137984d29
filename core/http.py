import ipaddress
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

Response = TypeVar("Response", bound=HttpResponseBase)


def private(response: Response) -> Response:
    """For pages whose address holds a secret: keep it out of caches and search engines.

    The Referer is already same-origin for the whole site (SECURE_REFERRER_POLICY): that keeps
    the secret from other sites, while `no-referrer` would make browsers send `Origin: null` on
    the page's own forms, which Django's CSRF check rightly refuses."""
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def client_ip(request: HttpRequest) -> str:
    """The address of whoever sent the request: what limits per client address count.

    Behind reverse proxies REMOTE_ADDR is the nearest proxy, the same for everybody. Each of the
    TRUSTED_PROXY_COUNT proxies appends the address it was reached from to X-Forwarded-For, so
    the client's is the entry that many from the right; whatever stands left of it was written
    by the client and may be forged, so it is never read. A header with fewer entries did not
    come through every proxy, and an entry that is no address is not the proxies' doing:
    REMOTE_ADDR then, as with no proxy at all."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if proxies <= 0 or len(hops) < proxies:
        return remote_addr
    try:
        # One spelling per address (IPv6 has many), and only addresses: Registration keeps it
        # in a GenericIPAddressField.
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote_addr


class RequestTooLargeMiddleware:
    """Answers 413, before a byte of it is read, a request whose declared body is larger than
    settings.REQUEST_MAX_BYTES (the largest upload Rakor takes, with room for the form around
    it). Without it any client, signed in or not, could make every URL read a body of any size:
    Django's CSRF check parses a form's whole body (files into temporary files) to find its
    token, before any view can look at the size."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.REQUEST_MAX_BYTES:
            limit = filesizeformat(settings.REQUEST_MAX_BYTES)
            return render(request, "413.html", {"limit": limit}, status=413)
        return self.get_response(request)
