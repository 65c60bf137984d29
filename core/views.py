import sys

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults

from .db import DATABASE_UNREACHABLE

# Seconds a client waits before trying again while the database is unreachable: a restart of
# PostgreSQL takes a few.
RETRY_AFTER_SECONDS = 10


def home(request):
    return render(request, "core/home.html")


def server_error(request):
    """Every request that raised (handler500). One that met an unreachable database (PostgreSQL
    restarting, a failover) answers 503 with Retry-After: nothing is wrong with the request, and
    clients (the scanner's queue, browsers, monitors) may simply try again. The page is rendered
    without the request, which would need the database. Anything else is Django's 500."""
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
