"""The client's address as limits per client address see it, with and without Caddy in front."""

from typing import Any

import pytest
from django.test import RequestFactory

from core.http import client_ip
from tests.support.http import CADDY
from tests.support.settings_files import read_settings


def request_from(remote_addr: str, forwarded_for: str | None = None):
    extra: dict[str, Any] = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_caddy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_without_a_proxy_the_address_is_the_connection_and_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("203.0.113.7")) == "203.0.113.7"
    assert client_ip(request_from("203.0.113.7", forwarded_for="198.51.100.1")) == "203.0.113.7"


@pytest.mark.usefixtures("behind_caddy")
def test_behind_caddy_two_clients_get_two_addresses():
    assert client_ip(request_from(CADDY, forwarded_for="203.0.113.7")) == "203.0.113.7"
    assert client_ip(request_from(CADDY, forwarded_for="198.51.100.20")) == "198.51.100.20"


@pytest.mark.usefixtures("behind_caddy")
def test_addresses_the_client_wrote_itself_are_never_believed():
    forged = request_from(CADDY, forwarded_for="10.0.0.1, 198.51.100.99, 203.0.113.7")

    assert client_ip(forged) == "203.0.113.7"


def test_with_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    request = request_from(CADDY, forwarded_for="10.0.0.1, 203.0.113.7, 192.168.1.2")

    assert client_ip(request) == "203.0.113.7"


@pytest.mark.parametrize("forwarded_for", [None, "", " , "])
@pytest.mark.usefixtures("behind_caddy")
def test_a_request_that_did_not_come_through_the_proxy_counts_as_its_connection(forwarded_for):
    assert client_ip(request_from(CADDY, forwarded_for=forwarded_for)) == CADDY


def test_fewer_entries_than_proxies_count_as_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request_from(CADDY, forwarded_for="203.0.113.7")) == CADDY


@pytest.mark.usefixtures("behind_caddy")
def test_an_entry_that_is_no_address_counts_as_the_connection():
    assert client_ip(request_from(CADDY, forwarded_for="unknown")) == CADDY
    assert client_ip(request_from(CADDY, forwarded_for="203.0.113.7:51234")) == CADDY


@pytest.mark.usefixtures("behind_caddy")
def test_one_ipv6_address_is_one_client_however_it_is_spelled():
    long_form = request_from(CADDY, forwarded_for="2001:0db8:0000:0000:0000:0000:0000:0001")
    short_form = request_from(CADDY, forwarded_for="2001:db8::1")

    assert client_ip(long_form) == client_ip(short_form) == "2001:db8::1"


def proxy_counts(tmp_path, **variables) -> str:
    """Rakor's and allauth's proxy counts as settings.py reads them from these variables."""
    names = ("TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_PROXY_COUNT")
    return read_settings(tmp_path, *names, **variables)


@pytest.mark.parametrize(
    ("variables", "counts"),
    [
        ({}, "0 0"),
        ({"BEHIND_PROXY": "true"}, "1 1"),
        ({"BEHIND_PROXY": "true", "TRUSTED_PROXY_COUNT": "2"}, "2 2"),
    ],
)
def test_rakor_and_allauth_count_the_same_proxies(tmp_path, variables, counts):
    assert proxy_counts(tmp_path, **variables) == counts
