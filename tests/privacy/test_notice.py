"""A notice at every point of collection, in Indonesian and English, linking to the full
privacy page at /privasi/, which names the host agency as the controller (UU 27/2022 Art. 5,
16(2), 20–21)."""

import email
import email.policy
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from attendance import services as attendance_services
from events import services as events_services
from outbox.models import OutboxMessage
from privacy.models import AgencyPrivacyContact
from tests.attendance.factories import CheckInFactory
from tests.events.factories import InvitationFactory, MeetingFactory, SessionFactory
from tests.events.invite_steps import choices, new_rows
from tests.members.factories import AgencyFactory, UserFactory
from tests.support.found import body

pytestmark = pytest.mark.django_db

# What the short notice says first, and its link to the full page, in each language.
HEADING = {"id": "Data pribadi", "en": "Personal data"}
FULL_NOTICE = {"id": "Pemberitahuan privasi lengkap", "en": "Full privacy notice"}


@pytest.fixture
def host():
    return AgencyFactory.create(
        name="Sekretariat Balitbang Diklat Kementerian Agama", acronym="Kemenag"
    )


@pytest.fixture
def meeting(organizer, host):
    meeting = MeetingFactory.create(sessions=0, host_agency=host, open_for_registration=True)
    meeting.organizers.add(organizer)
    now = timezone.now()
    SessionFactory.create(
        meeting=meeting, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=6)
    )
    return meeting


def full_page(client, agency, language="en") -> str:
    """The full notice as the short one beside `agency`'s meetings' forms links to it."""
    response = in_language(client, language).get(reverse("privacy:notice"), {"instansi": agency.pk})
    return response.content.decode()


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# Every page that collects personal data: (name, who opens it, its address for the meeting).
def registration(client, organizer, meeting):  # noqa: ARG001 (one signature for every page)
    return client, reverse("events:register", args=[meeting.public_code])


def answer_page(client, organizer, meeting):  # noqa: ARG001 (one signature for every page)
    invitation = InvitationFactory.create(meeting=meeting)
    return client, reverse(
        "events:answer", args=[events_services.issue_answer_link(invitation=invitation)]
    )


def self_checkin(client, organizer, meeting):  # noqa: ARG001 (one signature for every page)
    session = meeting.sessions.get()
    code = attendance_services.venue_code(session=session)
    return client, reverse("attendance:self_checkin", args=[code])


def self_checkin_invitee(client, organizer, meeting):
    """An invitee whose phone opened their answer page is recognised: one tap checks in."""
    invitation = InvitationFactory.create(meeting=meeting, answer="yes")
    client.get(
        reverse("events:answer", args=[events_services.issue_answer_link(invitation=invitation)])
    )
    return self_checkin(client, organizer, meeting)


def signature_pad(client, organizer, meeting):
    checkin = CheckInFactory.create(
        invitation=InvitationFactory.create(meeting=meeting, answer="yes"),
        session=meeting.sessions.get(),
    )
    client.force_login(organizer)
    return client, reverse("attendance:sign", args=[meeting.pk, checkin.pk])


def photo_upload(client, organizer, meeting):
    client.force_login(organizer)
    return client, reverse("outputs:meeting_documents", args=[meeting.pk])


def roster_import(client, organizer, meeting):  # noqa: ARG001 (one signature for every page)
    client.force_login(organizer)
    return client, reverse("members:import")


def paste_box(client, organizer, meeting):
    client.force_login(organizer)
    return client, reverse("events:meeting_invite", args=[meeting.pk])


COLLECTING_PAGES = {
    registration: ["registration"],
    answer_page: ["representative"],
    self_checkin: ["walkin"],
    self_checkin_invitee: ["checkin", "walkin"],
    signature_pad: ["signature"],
    photo_upload: ["photo"],
    roster_import: ["roster"],
    paste_box: ["paste"],
}


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("page", COLLECTING_PAGES, ids=lambda page: page.__name__)
def test_every_collecting_page_shows_the_notice_in_the_visitors_language(
    client, organizer, meeting, page, language
):
    client, url = page(in_language(client, language), organizer, meeting)

    response = client.get(url)

    body = response.content.decode()
    assert response.status_code == 200
    for kind in COLLECTING_PAGES[page]:
        assert f'data-privacy-notice="{kind}"' in body
    assert HEADING[language] in body
    assert FULL_NOTICE[language] in body
    assert 'href="/privasi/' in body
    assert 'href="/data-saya/"' in body


def test_a_meetings_notice_links_to_the_full_page_naming_its_host_agency(
    client, organizer, meeting, host
):
    client, url = registration(in_language(client, "en"), organizer, meeting)

    body = client.get(url).content.decode()

    assert f'href="/privasi/?instansi={host.pk}"' in body
    assert "Controller: Sekretariat Balitbang Diklat Kementerian Agama" in body


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        (
            "id",
            [
                "Pemberitahuan privasi",
                "Dasar hukum",
                "Pasal 20 ayat (2) huruf e",
                "Perka ANRI",
                "Nomor 6 Tahun 2013",
                "3 × 24 jam",
            ],
        ),
        (
            "en",
            [
                "Privacy notice",
                "Legal basis",
                "Article 20(2)(e)",
                "Perka ANRI",
                "No. 6 of 2013",
                "3 × 24 hours",
            ],
        ),
    ],
)
def test_the_full_page_is_public_in_both_languages_with_basis_retention_and_rights(
    client, language, phrases
):
    response = in_language(client, language).get(reverse("privacy:notice"))

    body = response.content.decode()
    assert response.status_code == 200
    for phrase in phrases:
        assert phrase in body
    assert 'href="/data-saya/"' in body


def test_the_full_page_names_the_agencys_contact_and_data_protection_officer(client, host):
    AgencyPrivacyContact.objects.create(
        agency=host,
        contact="Biro Humas, Jl. Lapangan Banteng Barat 3-4, Jakarta",
        dpo_name="Dr. Rina Kusuma",
        dpo_email="ppdp@kemenag.go.id",
    )

    body = full_page(client, host)

    assert "Sekretariat Balitbang Diklat Kementerian Agama" in body
    assert "Biro Humas, Jl. Lapangan Banteng Barat 3-4, Jakarta" in body
    assert "Dr. Rina Kusuma" in body
    assert "mailto:ppdp@kemenag.go.id" in body


def test_an_agency_without_its_own_contact_is_shown_with_the_site_wide_default(
    client, host, settings
):
    settings.PRIVACY_CONTACT = "privasi@rakor.example.go.id"
    settings.PRIVACY_DPO_NAME = "Pejabat PDP Rakor"

    body = full_page(client, host)

    assert "Sekretariat Balitbang Diklat Kementerian Agama" in body
    assert "privasi@rakor.example.go.id" in body
    assert "Pejabat PDP Rakor" in body


def test_staff_set_an_agencys_contact_and_organizers_cannot(client, organizer, host):
    url = reverse("privacy:agency_contact", args=[host.pk])
    posted = {"contact": "ppid@kemenag.go.id", "dpo_name": "Rina", "dpo_email": "rina@x.go.id"}

    client.force_login(organizer)
    refused = client.post(url, posted)
    client.force_login(UserFactory.create(is_staff=True))
    saved = client.post(url, posted)

    assert refused.status_code == 302
    assert "/admin/login/" in refused["Location"]
    assert saved.status_code == 302
    contact = AgencyPrivacyContact.objects.get(agency=host)
    assert (contact.contact, contact.dpo_name, contact.dpo_email) == (
        "ppid@kemenag.go.id",
        "Rina",
        "rina@x.go.id",
    )


def test_a_bad_email_for_the_officer_is_named_and_nothing_saved(client, host):
    client.force_login(UserFactory.create(is_staff=True))
    in_language(client, "en")

    response = client.post(
        reverse("privacy:agency_contact", args=[host.pk]),
        {"contact": "ppid@kemenag.go.id", "dpo_email": "not an address"},
    )

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not AgencyPrivacyContact.objects.exists()


def test_a_person_an_organizer_pasted_gets_the_notice_in_their_first_email(
    organizer_client, organizer, host, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory.create(sessions=1, host_agency=host)
    meeting.organizers.add(organizer)
    bappenas = AgencyFactory.create(name="Kementerian PPN/Bappenas", acronym="Bappenas")

    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(
            reverse("events:meeting_invite", args=[meeting.pk]),
            choices(None, [], "baru@bappenas.go.id", action="send")
            | new_rows(("baru@bappenas.go.id", "Dewi Lestari", bappenas.pk, "Pranata Humas")),
        )

    [message] = OutboxMessage.objects.filter(recipient="baru@bappenas.go.id")
    parsed = email.message_from_bytes(bytes(message.raw), policy=email.policy.default)
    text = body(parsed)
    html = body(parsed, "html")
    for content in (text, html):
        assert f"/privasi/?instansi={host.pk}" in content
        assert "/data-saya/" in content
    assert "Data pribadi: Sekretariat Balitbang Diklat Kementerian Agama" in text


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        (
            "id",
            [
                "dihapus 14 hari setelah kodenya kedaluwarsa",
                "dihapus setelah 45 hari",
                "dihapus setelah 12 jam",
                "dikosongkan 60 hari setelah rapat terakhir",
                "dihapus 365 hari setelah rapat",
                "paling lambat 8 tahun setelah rapat",
            ],
        ),
        (
            "en",
            [
                "deleted 14 days after its code expired",
                "deleted after 45 days",
                "deleted after 12 hours",
                "emptied 60 days after your last meeting",
                "deleted 365 days after the meeting",
                "at the latest 8 years after the meeting",
            ],
        ),
    ],
)
def test_the_full_page_states_the_retention_periods_this_rakor_is_set_to(
    client, settings, language, phrases
):
    """A civil servant reads how long, in days and years, not "a short period"; and what the
    page says follows the settings the purge applies."""
    settings.RETENTION = {
        **settings.RETENTION,
        "unconfirmed_registrations": timedelta(days=14),
        "email_bodies": timedelta(days=45),
        "sign_in_codes": timedelta(hours=12),
        "phone_numbers": timedelta(days=60),
        "signatures_photos": timedelta(days=365),
        "financial_records": timedelta(days=365 * 8),
    }

    body = in_language(client, language).get(reverse("privacy:notice")).content.decode()

    for phrase in phrases:
        assert phrase in body


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("id", "tanda tangan Bapak/Ibu bila Bapak/Ibu menandatangani"),
        ("en", "your signature if you sign"),
    ],
)
def test_the_walk_in_notice_says_the_signature_its_form_asks_for_is_kept(
    client, organizer, meeting, language, phrase
):
    """The walk-in form has a signature pad: its notice names the signature and the record
    that keeps it, as the invitee's check-in notice does."""
    client, url = self_checkin(in_language(client, language), organizer, meeting)

    body = client.get(url).content.decode()

    assert 'name="signature"' in body
    notice = body.split('data-privacy-notice="walkin"')[1].split("</div>")[0]
    assert phrase in notice
