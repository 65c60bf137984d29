"""Every kind of secret link goes through one lookup (core.links): wrong links are counted per
client address and, past the limit, answered 429; a right link always opens, whatever others
at the same address tried."""

import pytest
from django.core.cache import cache

from core.links import WRONG_LINKS
from tests.support.http import through_caddy
from tests.support.links import KINDS, every_link_kind

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"  # one office's NAT: a guesser and the honest people behind it
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def links():
    return every_link_kind()


def guess(client, url: str, times: int, address: str = OFFICE) -> list[int]:
    return [client.get(url, **through_caddy(address)).status_code for _ in range(times)]


@pytest.fixture(autouse=True)
def _behind_caddy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_links_past_the_limit_are_answered_429_with_retry_after(client, links, kind):
    _right, wrong = links[kind]

    statuses = guess(client, wrong, WRONG_LINKS.allowed)
    over = client.get(wrong, **through_caddy(OFFICE))

    assert set(statuses) == {404}
    assert over.status_code == 429
    assert int(over["Retry-After"]) > 0
    assert over["Cache-Control"] == "no-store, private"
    assert client.get(wrong, **through_caddy(ELSEWHERE)).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_a_right_link_opens_from_an_address_that_guessed_wrong_too_often(client, links, kind):
    right, wrong = links[kind]
    guess(client, wrong, WRONG_LINKS.allowed + 5)

    assert client.get(right, **through_caddy(OFFICE)).status_code == 200
    assert client.get(wrong, **through_caddy(OFFICE)).status_code == 429


def test_wrong_links_of_every_kind_count_together(client, links):
    for kind in KINDS:
        guess(client, links[kind][1], WRONG_LINKS.allowed // len(KINDS))
    guess(client, links["answer"][1], WRONG_LINKS.allowed % len(KINDS))

    assert client.get(links["review"][1], **through_caddy(OFFICE)).status_code == 429


def test_a_right_link_costs_no_cache_access(client, links, monkeypatch):
    touched = []
    for name in ("get", "add", "incr", "set", "get_many"):
        monkeypatch.setattr(cache, name, lambda *args, _name=name, **kw: touched.append(_name))

    for kind in KINDS:
        assert client.get(links[kind][0], **through_caddy(OFFICE)).status_code == 200

    assert touched == []


def test_an_operator_links_scan_is_counted_like_its_pages(client, links):
    scan = links["operator"][1] + "scan/"
    for _ in range(WRONG_LINKS.allowed):
        client.post(scan, "{}", content_type="application/json", **through_caddy(OFFICE))

    refused = client.post(scan, "{}", content_type="application/json", **through_caddy(OFFICE))

    assert refused.status_code == 429


def test_the_first_address_over_the_limit_is_logged_once(client, links, caplog):
    guess(client, links["answer"][1], WRONG_LINKS.allowed + 3)

    warnings = [r for r in caplog.records if r.name == "core.links"]
    assert len(warnings) == 1
    assert OFFICE in warnings[0].getMessage()
