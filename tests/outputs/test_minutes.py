"""The minutes' life: written by the minute-taker, reviewed through secret links, approved by
the chair, locked, corrected as a new version and distributed with the PDF."""

import pytest
from django.utils.translation import override

from events.models import Invitation
from outbox.models import Kind, OutboxMessage
from outputs import services
from outputs.models import Minutes, MinutesRevision, ReviewComment, ReviewLink
from tests.attendance.factories import CheckInFactory, ExcuseFactory
from tests.events.factories import AgendaItemFactory, InvitationFactory
from tests.members.factories import MemberFactory, UserFactory
from tests.outputs.factories import MinutesSectionFactory
from tests.outputs.minutes_world import approve, attachments, parse, texts
from tests.support.found import body, present

State = Minutes.State


def review_secret(row: OutboxMessage) -> str:
    text = body(parse(row))
    return text.split("/review/", 1)[1].split("/", 1)[0]


# --- Writing --------------------------------------------------------------------------------


def test_starting_the_minutes_makes_one_section_per_agenda_item(world, minutes):
    assert minutes.state == State.DRAFT
    assert [s.title for s in minutes.sections.all()] == [item.title for item in world.items]
    assert [s.agenda_item for s in minutes.sections.all()] == world.items


def test_starting_again_adds_only_the_agenda_items_added_since(world, minutes):
    AgendaItemFactory.create(meeting=world.meeting, title="Penutup", position=9)

    again = services.start_minutes(meeting=world.meeting, by=world.organizer)

    assert again.pk == minutes.pk
    assert [s.title for s in again.sections.all()][-1] == "Penutup"
    assert again.sections.count() == 4


def test_only_the_minute_taker_or_an_organizer_may_write(world, minutes):
    stranger = UserFactory.create()

    for user in (stranger, world.chair_user, None):
        with pytest.raises(services.MinutesNotAllowed):
            services.save_minutes(
                minutes=minutes, sections=texts(minutes, first="x"), conclusions=None, by=user
            )
    with pytest.raises(services.MinutesNotAllowed):
        services.start_minutes(meeting=world.meeting, by=stranger)

    assert not MinutesRevision.objects.exists()


def test_every_save_is_a_revision_with_who_and_the_whole_text(world, minutes):
    revision = present(
        services.save_minutes(
            minutes=minutes,
            sections=texts(minutes, first="Dibuka pukul **08.00**.", second="Iprahumas setuju."),
            conclusions="Disepakati dua hal.",
            by=world.taker_user,
        )
    )

    assert revision.author == world.taker_user
    assert revision.content["conclusions"] == "Disepakati dua hal."
    assert [s["discussion"] for s in revision.content["sections"]] == [
        "Dibuka pukul **08.00**.",
        "Iprahumas setuju.",
        "",
    ]
    assert [s["title"] for s in revision.content["sections"]] == [i.title for i in world.items]
    minutes.refresh_from_db()
    assert minutes.conclusions == "Disepakati dua hal."


def test_a_save_that_changes_nothing_writes_no_revision(world, minutes):
    sections = texts(minutes, first="Sama saja.")
    services.save_minutes(minutes=minutes, sections=sections, conclusions="K", by=world.taker_user)

    again = services.save_minutes(
        minutes=minutes, sections=sections, conclusions="K", by=world.organizer
    )

    assert again is None
    assert minutes.revisions.count() == 1


def test_a_section_of_other_minutes_is_refused_and_nothing_is_saved(world, minutes):
    foreign = MinutesSectionFactory.create()

    with pytest.raises(services.MinutesInvalid):
        services.save_minutes(
            minutes=minutes,
            sections={**texts(minutes, first="ok"), foreign.pk: "hijack"},
            conclusions=None,
            by=world.organizer,
        )

    foreign.refresh_from_db()
    assert foreign.discussion != "hijack"
    assert minutes.sections.get(position=0).discussion == ""
    assert not minutes.revisions.exists()


# --- Review ---------------------------------------------------------------------------------


def test_sending_for_review_emails_the_chair_and_each_reviewer_a_secret_link(world, minutes):
    reviewer = InvitationFactory.create(meeting=world.meeting).member

    links = services.send_for_review(minutes=minutes, reviewers=[reviewer], by=world.taker_user)

    minutes.refresh_from_db()
    assert minutes.state == State.IN_REVIEW
    assert {link.member for link in links} == {reviewer, world.chair}
    rows = OutboxMessage.objects.filter(kind=Kind.MINUTES, topic=f"meeting:{world.meeting.pk}")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        [reviewer.email, world.chair.email]
    )
    for row in rows:
        secret = review_secret(row)
        link = services.review_link_for_secret(secret)
        assert link is not None
        assert link.member.email == row.recipient
        assert not ReviewLink.objects.filter(secret_hash=secret).exists(), "only the hash"


def test_a_reviewer_comments_per_section_while_in_review(world, minutes):
    [link] = services.send_for_review(minutes=minutes, reviewers=[], by=world.organizer)
    section = minutes.sections.first()

    comment = services.add_review_comment(
        review_link=link, section=section, text="Mohon tambahkan nama narasumber."
    )

    assert comment.section == section
    assert comment.review.member == world.chair


def test_editing_is_allowed_while_in_review(world, minutes):
    services.send_for_review(minutes=minutes, reviewers=[], by=world.organizer)

    revision = services.save_minutes(
        minutes=minutes,
        sections=texts(minutes, first="Diperbaiki."),
        conclusions=None,
        by=world.taker_user,
    )

    assert revision is not None


def test_comments_are_refused_after_approval_and_nothing_is_written(world, minutes):
    [link] = services.send_for_review(minutes=minutes, reviewers=[], by=world.organizer)
    approve(minutes, world)

    with pytest.raises(services.ReviewClosed) as refused:
        services.add_review_comment(review_link=link, section=None, text="Terlambat")

    with override("en"):
        assert str(refused.value.message) == "These minutes are approved; comments are closed."
    assert not ReviewComment.objects.exists()


def test_empty_comments_and_sections_of_other_minutes_are_refused(world, minutes):
    [link] = services.send_for_review(minutes=minutes, reviewers=[], by=world.organizer)

    with pytest.raises(services.MinutesInvalid):
        services.add_review_comment(review_link=link, section=None, text="   ")
    with pytest.raises(services.MinutesInvalid):
        services.add_review_comment(
            review_link=link, section=MinutesSectionFactory.create(), text="salah tempat"
        )

    assert not ReviewComment.objects.exists()


def test_a_new_review_round_replaces_the_earlier_link(world, minutes):
    services.send_for_review(minutes=minutes, reviewers=[], by=world.organizer)
    first = review_secret(OutboxMessage.objects.get())

    services.send_for_review(minutes=minutes, reviewers=[], by=world.organizer)
    second = review_secret(OutboxMessage.objects.latest("pk"))

    assert services.review_link_for_secret(first) is None
    assert present(services.review_link_for_secret(second)).member == world.chair
    assert ReviewLink.objects.count() == 1


# --- Approval, lock, correction --------------------------------------------------------------


def test_the_chair_approves_with_name_and_nip_and_the_minutes_lock(world, minutes):
    services.save_minutes(
        minutes=minutes,
        sections=texts(minutes, first="Final."),
        conclusions="Selesai.",
        by=world.taker_user,
    )

    approved = approve(minutes, world)

    assert approved.state == State.APPROVED
    assert approved.version == 1
    assert approved.approved_at is not None
    assert (approved.approver_name, approved.approver_nip) == (
        "Dr. Ahmad Chair",
        "197001011995031001",
    )
    snapshot = approved.revisions.get(approved_version=1)
    assert snapshot.content["conclusions"] == "Selesai."
    assert snapshot.content["sections"][0]["discussion"] == "Final."


def test_saving_approved_minutes_is_refused_and_nothing_is_saved(world, minutes):
    approve(minutes, world)
    revisions = minutes.revisions.count()

    with pytest.raises(services.MinutesLocked) as refused:
        services.save_minutes(
            minutes=minutes,
            sections=texts(minutes, first="Diam-diam diubah"),
            conclusions="Diubah",
            by=world.taker_user,
        )

    with override("en"):
        assert str(refused.value.message) == "Approved minutes are locked; start a correction."
    assert minutes.sections.get(position=0).discussion == ""
    minutes.refresh_from_db()
    assert minutes.conclusions == ""
    assert minutes.revisions.count() == revisions


def test_an_invalid_nip_or_no_name_refuses_the_approval(world, minutes):
    with pytest.raises(services.MinutesInvalid):
        approve(minutes, world, nip="12345")
    with pytest.raises(services.MinutesInvalid):
        approve(minutes, world, nip="199913451995031001")  # month 13
    with pytest.raises(services.MinutesInvalid):
        approve(minutes, world, name="  ")

    minutes.refresh_from_db()
    assert (minutes.state, minutes.version) == (State.DRAFT, 0)
    assert not minutes.revisions.filter(approved_version__isnull=False).exists()


def test_only_the_chair_or_an_organizer_approves(world, minutes):
    with pytest.raises(services.MinutesNotAllowed):
        approve(minutes, world, by=world.taker_user)

    assert approve(minutes, world, by=world.organizer).state == State.APPROVED


def test_a_correction_reopens_the_minutes_and_the_next_approval_is_version_2(world, minutes):
    approve(minutes, world)

    corrected = services.start_correction(minutes=minutes, by=world.organizer)
    assert (corrected.state, corrected.version) == (State.DRAFT, 1)
    services.save_minutes(
        minutes=minutes,
        sections=texts(minutes, first="Koreksi."),
        conclusions=None,
        by=world.taker_user,
    )
    second = approve(minutes, world)

    assert second.version == 2
    assert sorted(
        minutes.revisions.exclude(approved_version=None).values_list("approved_version", flat=True)
    ) == [1, 2]


def test_a_correction_needs_approved_minutes(world, minutes):
    with pytest.raises(services.MinutesStateError):
        services.start_correction(minutes=minutes, by=world.organizer)


# --- Distribution ----------------------------------------------------------------------------


def test_distribution_needs_approval(world, minutes):
    with pytest.raises(services.MinutesStateError):
        services.distribute_minutes(minutes=minutes, by=world.organizer)
    assert not OutboxMessage.objects.exists()


def test_distribution_reaches_attendees_and_every_invitee_once_with_the_pdf(
    world, minutes, django_capture_on_commit_callbacks
):
    attended = CheckInFactory.create(invitation__meeting=world.meeting).invitation.member
    excused = ExcuseFactory.create(invitation__meeting=world.meeting).invitation.member
    declined = InvitationFactory.create(meeting=world.meeting, answer=Invitation.Answer.NO).member
    withdrawn = InvitationFactory.create(
        meeting=world.meeting, withdrawn_at="2021-11-20T00:00Z"
    ).member
    walked_in_then_withdrawn = CheckInFactory.create(
        invitation__meeting=world.meeting, invitation__withdrawn_at="2021-11-26T00:00Z"
    ).invitation.member
    english = InvitationFactory.create(
        meeting=world.meeting, member=MemberFactory.create(language="en")
    ).member
    services.save_minutes(
        minutes=minutes,
        sections={},
        conclusions="Awas <script>alert(1)</script>",
        by=world.taker_user,
    )
    approve(minutes, world)

    with django_capture_on_commit_callbacks(execute=True):
        count = services.distribute_minutes(minutes=minutes, by=world.organizer)

    minutes.refresh_from_db()
    assert minutes.state == State.DISTRIBUTED
    assert minutes.distributed_at is not None
    rows = list(OutboxMessage.objects.filter(kind=Kind.MINUTES))
    expected = {
        world.chair.email,
        world.taker.email,
        attended.email,
        excused.email,
        declined.email,
        walked_in_then_withdrawn.email,
        english.email,
    }
    assert count == len(expected)
    assert sorted(row.recipient for row in rows) == sorted(expected)
    assert withdrawn.email not in {row.recipient for row in rows}
    for row in rows:
        [pdf] = attachments(row)
        assert pdf.get_content().startswith(b"%PDF")
        html = body(parse(row), "html")
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
    by_recipient = {row.recipient: parse(row) for row in rows}
    assert by_recipient[english.email]["Content-Language"] == "en"
    assert by_recipient[attended.email]["Content-Language"] == "id"


def test_distributing_twice_is_refused(world, minutes):
    approve(minutes, world)
    services.distribute_minutes(minutes=minutes, by=world.organizer)

    with pytest.raises(services.MinutesStateError):
        services.distribute_minutes(minutes=minutes, by=world.organizer)


def test_a_corrected_version_tells_the_recipients_it_is_a_correction(
    world, minutes, django_capture_on_commit_callbacks
):
    world.chair.language = "en"
    world.chair.save()
    approve(minutes, world)
    with django_capture_on_commit_callbacks(execute=True):
        services.distribute_minutes(minutes=minutes, by=world.organizer)
    services.start_correction(minutes=minutes, by=world.organizer)
    approve(minutes, world)

    with django_capture_on_commit_callbacks(execute=True):
        services.distribute_minutes(minutes=minutes, by=world.organizer)

    first, second = OutboxMessage.objects.filter(
        kind=Kind.MINUTES, recipient=world.chair.email
    ).order_by("pk")
    assert first.subject == f"Minutes: {world.meeting.title}"
    assert second.subject == f"Corrected minutes (version 2): {world.meeting.title}"
    text = body(parse(second))
    assert "This is a correction: version 2 of the minutes replaces version 1" in text
    assert "correction" not in body(parse(first))
    assert attachments(second)[0].get_filename().endswith("-v2.pdf")
