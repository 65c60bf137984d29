"""Rakor's URLs plus, for bench/checkin.py only, a no-op JSON view: the floor a Django view
reaches under the same server, middleware and clients."""

from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as rakor_urlpatterns


def noop(_request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/noop/", noop), *rakor_urlpatterns]
