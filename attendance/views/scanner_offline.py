"""The scanner as an offline page: the service worker that keeps the scanner's page and its
assets on the phone, so that a desk whose network is gone can reload the scanner, or open it
again after closing the tab, and keep scanning into its offline queue (static/js/scanner.js).

While the phone is online, the page still comes from the server every time: a revoked link
or an ended sign-in is a 404 or a sign-in page, never the copy on the phone."""

import hashlib
import json

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.http import require_GET

# What the scanner page loads, in the versions this release serves.
SCANNER_ASSETS = [
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff",
    "vendor/htmx/htmx.min.js",
    "vendor/barcode-detector/ponyfill.js",
    "vendor/zxing-wasm/zxing_reader.wasm",
    "vendor/idb-keyval/umd.js",
    "css/rakor.css",
    "css/checkin.css",
    "js/scanner-queue.js",
    "js/scanner.js",
    "img/scanner-192.png",
    "img/scanner-512.png",
]


@require_GET
def service_worker(_request):
    """The scanner's service worker. Its text names every asset by its address in this
    release, so a new release is a new worker, which replaces the copies on the phone."""
    assets = [static(path) for path in SCANNER_ASSETS]
    version = hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    script = render_to_string(
        "attendance/scanner-sw.js", {"assets": json.dumps(assets), "version": version}
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    # It lives under /checkin/ but controls /meetings/<pk>/checkin/ too.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
