import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests.members.factories import OrganizerFactory

pytest_plugins = ["tests.support.fixtures"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth's rate limits live in the cache: one test's sign-ins must not limit the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organizer(db):  # noqa: ARG001 (requested for its effect)
    return OrganizerFactory.create()


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def english(client):
    """Pages, messages and the test's own strings in English, whatever the default language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
