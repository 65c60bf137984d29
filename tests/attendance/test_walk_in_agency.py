"""A walk-in's typed agency is matched to the directory (by name or acronym) and enters the
directory only when an organizer confirms it: never created, nor guessed, behind their back."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import CheckIn, WalkIn
from members.models import Agency, Member
from tests.attendance.factories import WalkInFactory
from tests.events.factories import MeetingFactory, SessionFactory
from tests.members.factories import AgencyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def session(organizer):
    meeting = MeetingFactory.create(sessions=0)
    meeting.organizers.add(organizer)
    now = timezone.now()
    return SessionFactory.create(
        meeting=meeting, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=6)
    )


def review_url(walk_in):
    return reverse("attendance:walk_in_decide", args=[walk_in.meeting_id, walk_in.pk])


def dashboard(client, walk_in) -> str:
    return client.get(reverse("attendance:dashboard", args=[walk_in.meeting_id])).text


def test_a_typed_acronym_matches_the_directory_and_is_confirmed_with_one_tap(
    organizer_client, session
):
    bps = AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS")
    walk_in = WalkInFactory.create(session=session, agency_name="bps", email="yusuf@bps.go.id")

    page = dashboard(organizer_client, walk_in)
    assert "In the directory: Badan Pusat Statistik (BPS)." in page
    assert f'name="agency" value="{bps.pk}"' in page

    organizer_client.post(review_url(walk_in), {"decision": "accept", "agency": bps.pk})

    assert Member.objects.get(email="yusuf@bps.go.id").agency == bps
    assert Agency.objects.count() == 2  # the host agency and BPS: nothing added


def test_an_unknown_agency_is_not_added_until_an_organizer_confirms_it(organizer_client, session):
    walk_in = WalkInFactory.create(
        session=session,
        agency_name="Dinas Komunikasi dan Informatika Kota Makassar (Diskominfo Makassar)",
        email="rina@makassarkota.go.id",
    )
    agencies = Agency.objects.count()

    page = dashboard(organizer_client, walk_in)
    refused = organizer_client.post(review_url(walk_in), {"decision": "accept"})
    review = organizer_client.get(review_url(walk_in))

    assert "Not in the directory" in page
    assert 'value="accept"' not in page.split(f"walk-ins/{walk_in.pk}/")[1].split("</form>")[0]
    assert refused.status_code == 400
    assert "Confirm the agency of this walk-in" in refused.text
    assert (Agency.objects.count(), Member.objects.filter(email=walk_in.email).exists()) == (
        agencies,
        False,
    )
    assert WalkIn.objects.get().state == WalkIn.State.PENDING
    form = review.context["form"]
    assert form.initial == {
        "new_agency_name": "Dinas Komunikasi dan Informatika Kota Makassar",
        "new_agency_acronym": "Diskominfo Makassar",
        "new_agency_kind": Agency.Kind.REGIONAL,
    }

    confirmed = organizer_client.post(
        review_url(walk_in),
        {
            "decision": "accept",
            "new_agency_name": "Dinas Kominfo Kota Makassar",
            "new_agency_acronym": "Diskominfo Makassar",
            "new_agency_kind": Agency.Kind.REGIONAL,
        },
    )

    assert confirmed.status_code == 302
    member = Member.objects.get(email="rina@makassarkota.go.id")
    assert (member.agency.name, member.agency.acronym, member.agency.kind) == (
        "Dinas Kominfo Kota Makassar",
        "Diskominfo Makassar",
        Agency.Kind.REGIONAL,
    )
    assert CheckIn.objects.filter(invitation__member=member).count() == 1


def test_an_acronym_of_two_agencies_asks_which_one(organizer_client, session):
    AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS")
    other = AgencyFactory.create(name="Biro Perencanaan dan Statistik", acronym="BPS")
    walk_in = WalkInFactory.create(session=session, agency_name="BPS")

    page = dashboard(organizer_client, walk_in)
    review = organizer_client.get(review_url(walk_in)).text
    organizer_client.post(review_url(walk_in), {"decision": "accept", "agency": other.pk})

    assert "Several agencies match: review to choose one." in page
    assert "Badan Pusat Statistik (BPS); Biro Perencanaan dan Statistik (BPS)" in review
    assert Member.objects.get(email=walk_in.email).agency == other


@pytest.mark.parametrize("posted", ["²", "99999999999999999999999999"])
def test_an_odd_agency_id_is_refused_cleanly_and_nothing_written(organizer_client, session, posted):
    walk_in = WalkInFactory.create(session=session, agency_name="bps", email="yusuf@bps.go.id")

    response = organizer_client.post(review_url(walk_in), {"decision": "accept", "agency": posted})

    assert response.status_code in (200, 302, 400)
    assert not Member.objects.filter(email="yusuf@bps.go.id").exists()
