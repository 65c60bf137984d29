"""Every kind of secret link goes through one lookup (core.links): wrong links are counted per
client address and, past the limit, answered 429; a right link always opens, whatever others
at the same address tried."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from attendance import services as attendance_services
from attendance.services import venue_code
from core.links import WRONG_LINKS
from core.secrets import hash_secret, new_secret
from events import feed
from events import services as events_services
from outputs.models import ActionLink, Minutes, ReviewLink
from tests.core.test_client_ip import through_caddy
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.outputs.factories import ActionFactory, MinutesFactory

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"  # one office's NAT: a guesser and the honest people behind it
ELSEWHERE = "198.51.100.20"
KINDS = ["answer", "progress", "operator", "review", "feed", "venue"]


@pytest.fixture
def links():
    """{kind: (a right link, a wrong link of the same shape)}, every kind of secret link."""
    meeting = MeetingFactory(sessions=1)
    invitation = InvitationFactory(meeting=meeting)
    member = invitation.member

    progress = new_secret()
    action = ActionFactory(meeting=meeting, responsible_member=member)
    ActionLink.objects.create(action=action, member=member, secret_hash=hash_secret(progress))
    _link, operator = attendance_services.create_operator_link(
        meeting=meeting, label="Meja 1", created_by=None
    )
    review = new_secret()
    minutes = MinutesFactory(meeting=meeting, state=Minutes.State.IN_REVIEW)
    ReviewLink.objects.create(minutes=minutes, member=member, secret_hash=hash_secret(review))
    answer = events_services.issue_answer_link(invitation=invitation)
    session = meeting.sessions.get()
    code = venue_code(session=session)
    forged_code = f"{session.pk}-{code.split('-')[1]}-{'0' * 32}"
    return {
        "answer": (
            reverse("events:answer", args=[answer]),
            reverse("events:answer", args=[new_secret()]),
        ),
        "progress": (
            reverse("outputs:action_progress", args=[progress]),
            reverse("outputs:action_progress", args=[new_secret()]),
        ),
        "operator": (
            reverse("attendance:link_scanner", args=[operator]),
            reverse("attendance:link_scanner", args=[new_secret()]),
        ),
        "review": (
            reverse("outputs:review", args=[review]),
            reverse("outputs:review", args=[new_secret()]),
        ),
        "feed": (
            reverse("events:calendar_feed", args=[feed.reset_calendar_feed(member=member)]),
            reverse("events:calendar_feed", args=[new_secret()]),
        ),
        "venue": (
            reverse("attendance:self_checkin", args=[code]),
            reverse("attendance:self_checkin", args=[forged_code]),
        ),
    }


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
