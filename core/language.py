"""The language of a page: Indonesian, unless the person chose English with the switch.

Django's LocaleMiddleware would also follow the browser's Accept-Language, so an officer whose
browser happens to be set to English would get English pages while the same ministry's emails
and documents are Indonesian. Rakor speaks Indonesian by default; the switch in the navigation
bar (Django's set_language view, which sets the language cookie) is the only way to English.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request) -> str:
    """The language the person chose with the switch, or the default (LANGUAGE_CODE)."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie:
        try:
            return translation.get_supported_language_variant(cookie)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
