"""The minutes pages as their users meet them: the editor with its header, autosave and
preview, revisions and their differences, the reviewer's link, approval, correction and
distribution through the real worker and SMTP server."""

import email
import re
from email import policy

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Invitation
from outbox.models import OutboxMessage, State
from outputs import services
from outputs.models import Minutes, MinutesRevision, ReviewComment
from tests.attendance.factories import CheckInFactory, ExcuseFactory
from tests.events.factories import AgendaItemFactory, InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory, UserFactory
from tests.outputs.factories import ActionFactory
from tests.outputs.minutes_world import texts
from tests.support.found import body, found, present
from tests.support.wait import wait_until

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def _english(client, settings):
    """The pages in English, the language the tests read (Indonesian is Rakor's default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, meeting, **kwargs):
    return reverse(f"outputs:{name}", args=[meeting.pk], **kwargs)


def page(response) -> str:
    return response.content.decode()


def section_fields(minutes, **by_position) -> dict:
    return {f"section-{pk}": text for pk, text in texts(minutes, **by_position).items()}


def review_link(world, minutes):
    """A review link of the chair and its secret, as the emailed link carries it."""
    services.send_for_review(minutes=minutes, reviewers=[], by=world.organizer)
    row = OutboxMessage.objects.latest("pk")
    text = body(email.message_from_bytes(bytes(row.raw), policy=policy.default))
    return found(r"/review/([A-Za-z0-9_-]+)/", text).group(1)


def approve(world, minutes):
    return services.approve_minutes(
        minutes=minutes, approver_name=world.chair.full_name, approver_nip="", by=world.organizer
    )


# --- The editor --------------------------------------------------------------------------------


def test_an_organizer_starts_the_minutes_and_gets_a_section_per_agenda_item(client, world):
    client.force_login(world.organizer)

    before = client.get(url("minutes", world.meeting))
    started = client.post(url("minutes_start", world.meeting), follow=True)

    assert "Start the minutes" in page(before)
    assert started.status_code == 200
    for item in world.items:
        assert item.title in page(started)
    assert Minutes.objects.get(meeting=world.meeting).sections.count() == 3


@pytest.mark.usefixtures("minutes")
def test_the_header_fills_itself_from_the_meeting_and_the_attendance(client, world):
    bps = AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS")
    present = CheckInFactory.create(
        invitation__meeting=world.meeting,
        invitation__member__agency=bps,
        invitation__member__full_name="Rina Hadir",
    ).invitation.member
    ExcuseFactory.create(
        invitation__meeting=world.meeting, invitation__member__full_name="Budi Izin"
    )
    InvitationFactory.create(meeting=world.meeting, member__full_name="Tono Absen")
    client.force_login(world.taker_user)

    html = page(client.get(url("minutes", world.meeting)))

    assert "Thursday, 25 November 2021 – Friday, 26 November 2021" in html
    assert "08.00–16.00 WIB" in html
    assert "Aula Gedung Kementerian Agama" in html
    assert world.chair.full_name in html
    assert world.taker.full_name in html
    assert "1 present" in html
    assert "Badan Pusat Statistik (BPS)</strong> (1): Rina Hadir" in html
    assert present.full_name in html
    assert "Budi Izin" in html
    assert "Tono Absen" in html


@pytest.mark.usefixtures("minutes")
def test_strangers_and_anonymous_visitors_are_kept_out(client, world):
    assert client.get(url("minutes", world.meeting)).status_code == 302
    client.force_login(UserFactory.create())
    assert client.get(url("minutes", world.meeting)).status_code == 403
    assert client.post(url("minutes_save", world.meeting), {}).status_code == 403
    assert client.post(url("decision_add", world.meeting), {"text": "x"}).status_code == 403


def test_autosave_answers_saved_at_and_keeps_a_revision(client, world, minutes):
    client.force_login(world.taker_user)

    response = client.post(
        url("minutes_save", world.meeting),
        {**section_fields(minutes, first="Dibuka oleh Sekretaris Badan."), "conclusions": "OK"},
        **HTMX,
    )

    assert response.status_code == 200
    assert re.search(r"Saved \d\d\.\d\d", page(response))
    revision = MinutesRevision.objects.get()
    assert revision.author == world.taker_user
    assert revision.content["sections"][0]["discussion"] == "Dibuka oleh Sekretaris Badan."


def test_the_save_button_without_javascript_returns_to_the_editor(client, world, minutes):
    client.force_login(world.organizer)

    response = client.post(
        url("minutes_save", world.meeting), section_fields(minutes, second="Teks."), follow=True
    )

    assert response.redirect_chain[-1][0] == url("minutes", world.meeting)
    assert "Saved." in page(response)


@pytest.mark.usefixtures("minutes")
def test_the_preview_renders_markdown_and_never_script(client, world):
    client.force_login(world.taker_user)

    response = client.post(
        url("minutes_preview", world.meeting),
        {"field": "section-1", "section-1": f"**Tebal** {SCRIPT} [x](javascript:alert(1))"},
    )

    assert "<strong>Tebal</strong>" in page(response)
    assert "<script" not in page(response)
    assert "javascript:" not in page(response)


def test_script_in_any_text_is_escaped_on_the_editor(client, world, minutes):
    services.save_minutes(
        minutes=minutes,
        sections=texts(minutes, first=SCRIPT),
        conclusions=SCRIPT,
        by=world.taker_user,
    )
    services.add_decision(meeting=world.meeting, text=SCRIPT)
    ActionFactory.create(meeting=world.meeting, title=SCRIPT)
    client.force_login(world.organizer)

    html = page(client.get(url("minutes", world.meeting)))

    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_approved_minutes_refuse_a_save_and_nothing_is_saved(client, world, minutes):
    approve(world, minutes)
    client.force_login(world.taker_user)

    response = client.post(
        url("minutes_save", world.meeting), section_fields(minutes, first="Diubah"), **HTMX
    )

    assert "Approved minutes are locked; start a correction." in page(response)
    assert minutes.sections.get(position=0).discussion == ""
    assert not MinutesRevision.objects.filter(approved_version=None).exists()


# --- Revisions and differences --------------------------------------------------------------------


def test_the_revisions_and_the_difference_between_two_are_shown_escaped(client, world, minutes):
    first = services.save_minutes(
        minutes=minutes,
        sections=texts(minutes, first="Baris lama."),
        conclusions="",
        by=world.taker_user,
    )
    second = services.save_minutes(
        minutes=minutes,
        sections=texts(minutes, first=f"Baris baru {SCRIPT}"),
        conclusions="",
        by=world.organizer,
    )
    client.force_login(world.organizer)

    listing = page(client.get(url("minutes_revisions", world.meeting)))
    diff = client.get(
        url("minutes_diff", world.meeting) + f"?a={present(first).pk}&b={present(second).pk}"
    )

    assert f"?a={present(first).pk}&amp;b={present(second).pk}" in listing
    assert diff.status_code == 200
    assert re.search(r'data-kind="del">-Baris lama\.<', page(diff))
    assert 'data-kind="add">+Baris baru &lt;script&gt;' in page(diff)
    assert SCRIPT not in page(diff)


def test_a_revision_of_other_minutes_is_not_found(client, world, minutes):
    other = services.start_minutes(
        meeting=MeetingFactory.create(), by=UserFactory.create(is_staff=True)
    )
    theirs = services.save_minutes(
        minutes=other, sections={}, conclusions="x", by=UserFactory.create(is_staff=True)
    )
    mine = services.save_minutes(minutes=minutes, sections={}, conclusions="y", by=world.organizer)
    client.force_login(world.organizer)

    response = client.get(
        url("minutes_diff", world.meeting) + f"?a={present(theirs).pk}&b={present(mine).pk}"
    )

    assert response.status_code == 404


# --- Review through the secret link ------------------------------------------------------------


def test_a_reviewer_opens_the_link_and_comments_on_a_section(client, world, minutes):
    secret = review_link(world, minutes)
    section = minutes.sections.get(position=1)

    shown = client.get(reverse("outputs:review", args=[secret]))
    sent = client.post(
        reverse("outputs:review", args=[secret]),
        {"section": section.pk, "text": "Tambahkan peran Iprahumas."},
        follow=True,
    )

    assert shown.status_code == 200
    assert shown["Cache-Control"] == "no-store, private"
    assert section.title in page(shown)
    assert "Your comment on this part" in page(shown)
    assert "Tambahkan peran Iprahumas." in page(sent)
    comment = ReviewComment.objects.get()
    assert (comment.section, comment.review.member) == (section, world.chair)


def test_the_organizer_sees_the_comments_under_each_section(client, world, minutes):
    [link] = services.send_for_review(minutes=minutes, reviewers=[], by=world.organizer)
    services.add_review_comment(
        review_link=link, section=minutes.sections.get(position=2), text=f"Catatan {SCRIPT}"
    )
    client.force_login(world.organizer)

    html = page(client.get(url("minutes", world.meeting)))

    third = html.index(world.items[2].title)
    assert html.index("Catatan &lt;script&gt;", third) > third
    assert world.chair.full_name in html[third:]


def test_a_forged_review_link_is_a_plain_404(client, world, minutes):
    review_link(world, minutes)

    assert client.get(reverse("outputs:review", args=["x" * 43])).status_code == 404
    assert client.post(reverse("outputs:review", args=["x" * 43]), {"text": "a"}).status_code == 404


def test_after_approval_the_link_shows_the_minutes_read_only_and_refuses_comments(
    client, world, minutes
):
    services.save_minutes(
        minutes=minutes,
        sections=texts(minutes, first="Teks final."),
        conclusions="",
        by=world.taker_user,
    )
    secret = review_link(world, minutes)
    approve(world, minutes)

    shown = client.get(reverse("outputs:review", args=[secret]))
    refused = client.post(
        reverse("outputs:review", args=[secret]),
        {"section": minutes.sections.first().pk, "text": "Terlambat"},
    )

    assert "Teks final." in page(shown)
    assert "These minutes are approved; comments are closed." in page(shown)
    assert "Your comment on this part" not in page(shown)
    assert "These minutes are approved; comments are closed." in page(refused)
    assert not ReviewComment.objects.exists()


# --- Approval, correction, distribution ----------------------------------------------------------


def test_the_chair_approves_from_the_editor_with_name_nip_and_date(client, world, minutes):
    client.force_login(world.chair_user)

    form = page(client.get(url("minutes", world.meeting)))
    response = client.post(
        url("minutes_approve", world.meeting),
        {
            "approver_name": world.chair.full_name,
            "approver_nip": world.chair.nip,
            "approved_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )

    assert f'value="{world.chair.nip}"' in form, "the chair's data is filled in"
    minutes.refresh_from_db()
    assert (minutes.state, minutes.version) == (Minutes.State.APPROVED, 1)
    assert minutes.approver_nip == world.chair.nip
    assert "Minutes approved (version 1)." in page(response)


def test_a_wrong_nip_is_refused_with_a_message(client, world, minutes):
    client.force_login(world.chair_user)

    response = client.post(
        url("minutes_approve", world.meeting),
        {
            "approver_name": "X",
            "approver_nip": "123",
            "approved_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )

    assert "An NIP has exactly 18 digits." in page(response)
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.DRAFT


def test_correction_and_distribution_are_posts_with_confirmations(client, world, minutes):
    approve(world, minutes)
    client.force_login(world.organizer)

    html = page(client.get(url("minutes", world.meeting)))
    corrected = client.post(url("minutes_correct", world.meeting), follow=True)

    assert f'action="{url("minutes_distribute", world.meeting)}"' in html
    assert html.count("data-confirm=") >= 2
    assert "Correction started" in page(corrected)
    minutes.refresh_from_db()
    assert (minutes.state, minutes.version) == (Minutes.State.DRAFT, 1)
    assert client.get(url("minutes_correct", world.meeting)).status_code == 405


# --- Query counts ---------------------------------------------------------------------------------


def build(world, rows: int):
    for index in range(rows):
        AgendaItemFactory.create(
            meeting=world.meeting, title=f"Agenda {index}", position=10 + index
        )
        CheckInFactory.create(invitation__meeting=world.meeting)
        InvitationFactory.create(meeting=world.meeting, answer=Invitation.Answer.NO)
        ActionFactory.create(meeting=world.meeting)
        services.add_decision(meeting=world.meeting, text=f"Keputusan {index}")
    minutes = services.start_minutes(meeting=world.meeting, by=world.organizer)
    [link] = services.send_for_review(minutes=minutes, reviewers=[], by=world.organizer)
    for section in minutes.sections.all():
        services.add_review_comment(review_link=link, section=section, text="ok")
    return minutes


@pytest.mark.parametrize("rows", [3, 50])
def test_the_editor_reads_a_fixed_number_of_queries(
    client, world, rows, django_assert_max_num_queries
):
    build(world, rows)
    client.force_login(world.organizer)

    # 20, and 2 for whether the organizer may see the chair's NIP (privacy/scope.py).
    with django_assert_max_num_queries(22):
        response = client.get(url("minutes", world.meeting))

    assert response.status_code == 200
    assert f"Agenda {rows - 1}" in page(response)


# --- Distribution through the real worker and SMTP server -----------------------------------------


@pytest.mark.worker
@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_distributed_minutes_arrive_by_smtp_with_the_pdf(client, smtp_sink):
    meeting = MeetingFactory.create(sessions=1)
    organizer = UserFactory.create(is_staff=True)
    chair = MemberFactory.create(full_name="Prof. Ketua Rapat")
    meeting.chair = chair
    meeting.save()
    AgendaItemFactory.create(meeting=meeting, title="Arahan")
    attendee = CheckInFactory.create(invitation__meeting=meeting).invitation.member
    contact = InvitationFactory.create(meeting=meeting).member
    minutes = services.start_minutes(meeting=meeting, by=organizer)
    services.save_minutes(
        minutes=minutes,
        sections={minutes.sections.get().pk: "Disepakati **pedoman pelatihan**."},
        conclusions="Iprahumas menjadi think tank.",
        by=organizer,
    )
    services.approve_minutes(
        minutes=minutes, approver_name=chair.full_name, approver_nip="", by=organizer
    )
    client.force_login(organizer)

    client.post(url("minutes_distribute", meeting))

    smtp_sink.wait_for(3)
    wait_until(
        lambda: set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT},
        what="the minutes marked sent",
    )
    received = {message["To"].addresses[0].addr_spec: message for message in smtp_sink.parsed()}
    assert set(received) == {chair.email, attendee.email, contact.email}
    assert len(smtp_sink.messages) == 3, "nothing arrived twice"
    for message in received.values():
        [pdf] = [
            part
            for part in message.iter_attachments()
            if part.get_content_type() == "application/pdf"
        ]
        assert pdf.get_content().startswith(b"%PDF")
        assert pdf.get_filename().endswith(".pdf")
        assert meeting.title in message["Subject"]
    assert Minutes.objects.get(pk=minutes.pk).state == Minutes.State.DISTRIBUTED
