from django.http import HttpResponse


def private(response: HttpResponse) -> HttpResponse:
    """For pages whose address holds a secret: keep it out of caches and search engines.

    The Referer is already same-origin for the whole site (SECURE_REFERRER_POLICY): that keeps
    the secret from other sites, while `no-referrer` would make browsers send `Origin: null` on
    the page's own forms, which Django's CSRF check rightly refuses."""
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
