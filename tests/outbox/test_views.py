import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse

from events import services as events
from outbox import services
from outbox.models import Kind, OutboxMessage, State
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.html import table_rows
from tests.members.factories import OrganizerFactory, UserFactory
from tests.outbox.factories import FailedMessageFactory, OutboxMessageFactory

pytestmark = pytest.mark.django_db

OUTBOX = reverse("outbox:list")
QUEUED_AT, RECIPIENT, SUBJECT, KIND, STATE, ATTEMPTS, LAST_ERROR, SENT_AT, RESEND = range(9)


def detail(message):
    return reverse("outbox:detail", args=[message.pk])


def resend(message):
    return reverse("outbox:resend", args=[message.pk])


def recipients(rows):
    return sorted(row[RECIPIENT] for row in rows)


@pytest.fixture
def organizer_client(organizer_client):
    organizer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return organizer_client


@pytest.fixture
def meeting(organizer):
    """The meeting the signed-in organizer organizes."""
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def topic(meeting):
    return f"meeting:{meeting.pk}"


@pytest.fixture
def other_meeting():
    """Another ministry's meeting, organized by someone else."""
    meeting = MeetingFactory.create()
    meeting.organizers.add(OrganizerFactory.create())
    return meeting


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory.create(is_staff=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def sign_in_code_message(django_capture_on_commit_callbacks):
    """The mail allauth sends through the outbox when someone asks for a sign-in code."""
    with django_capture_on_commit_callbacks(execute=False):
        return services.queue_message(
            message=EmailMessage(
                subject="[Rakor] Sign-In Code",
                body="Your sign-in code is listed below.\n\nK7QX2M\n",
                to=["siti.rahmawati@kemenag.go.id"],
            ),
            kind=Kind.ACCOUNT,
        )


def test_an_organizer_sees_each_message_with_its_state_attempts_and_last_error(
    organizer_client, topic
):
    FailedMessageFactory.create(
        recipient="andi@bnpb.go.id",
        last_error="SMTPRecipientsRefused: " + "550 5.1.1 The email account does not exist " * 3,
        topic=topic,
    )
    OutboxMessageFactory.create(recipient="siti@kemenag.go.id", kind=Kind.REMINDER, topic=topic)

    response = organizer_client.get(OUTBOX)

    assert response.status_code == 200
    newest, oldest = table_rows(response)
    assert newest[RECIPIENT : STATE + 1] == [
        "siti@kemenag.go.id",
        "Undangan Rapat Koordinasi Pranata Humas Antar K/L",
        "Reminder",
        "Queued",
    ]
    assert newest[RESEND] == ""
    assert oldest[RECIPIENT] == "andi@bnpb.go.id"
    assert oldest[STATE] == "Failed"
    assert oldest[ATTEMPTS] == "8"
    assert oldest[LAST_ERROR] == "SMTPRecipientsRefused: 550 5.1.1 The email account does not…"
    assert oldest[RESEND] == "Resend"
    assert '<span class="badge text-bg-danger">Failed</span>' in response.text
    assert '<span class="badge text-bg-secondary">Queued</span>' in response.text


def test_the_outbox_is_filtered_by_state_kind_and_a_search(organizer_client, topic):
    FailedMessageFactory.create(recipient="andi@bnpb.go.id", kind=Kind.INVITATION, topic=topic)
    FailedMessageFactory.create(recipient="budi@bps.go.id", kind=Kind.REMINDER, topic=topic)
    OutboxMessageFactory.create(
        recipient="citra@bps.go.id", subject="Notulen rapat", kind=Kind.MINUTES, topic=topic
    )

    failed = organizer_client.get(OUTBOX, {"state": State.FAILED})
    reminders = organizer_client.get(OUTBOX, {"kind": Kind.REMINDER})
    at_bps = organizer_client.get(OUTBOX, {"q": "BPS.GO.ID"})
    minutes = organizer_client.get(OUTBOX, {"q": "notulen"})

    assert recipients(table_rows(failed)) == ["andi@bnpb.go.id", "budi@bps.go.id"]
    assert recipients(table_rows(reminders)) == ["budi@bps.go.id"]
    assert recipients(table_rows(at_bps)) == ["budi@bps.go.id", "citra@bps.go.id"]
    assert recipients(table_rows(minutes)) == ["citra@bps.go.id"]
    assert '>Failed <span class="badge text-bg-danger">2</span>' in failed.text


def test_an_organizer_can_resend_a_failed_message_and_is_told_so(
    organizer_client, topic, django_capture_on_commit_callbacks
):
    message = FailedMessageFactory.create(recipient="andi@bnpb.go.id", topic=topic)
    back_to = f"{OUTBOX}?state=failed"

    with django_capture_on_commit_callbacks(execute=False):
        response = organizer_client.post(resend(message), {"next": back_to}, follow=True)

    message.refresh_from_db()
    assert response.redirect_chain == [(back_to, 302)]
    assert "The message to andi@bnpb.go.id is queued to be sent again." in response.text
    assert message.state == State.QUEUED
    assert table_rows(response) == [["No message matches."]]


def test_a_resent_message_goes_out_again_with_the_same_message_id(
    organizer_client, topic, django_capture_on_commit_callbacks
):
    message = FailedMessageFactory.create(recipient="andi@bnpb.go.id", topic=topic)

    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(resend(message))

    message.refresh_from_db()
    [sent] = mail.outbox
    assert message.state == State.SENT
    assert sent.message().as_bytes().count(message.message_id.encode()) == 1


def test_a_message_that_did_not_fail_is_not_sent_again(organizer_client, topic):
    message = OutboxMessageFactory.create(state=State.SENT, topic=topic)

    response = organizer_client.post(resend(message), follow=True)

    message.refresh_from_db()
    assert "Only a message that failed can be sent again." in response.text
    assert message.state == State.SENT


def test_resending_takes_a_post_and_returns_only_to_this_site(organizer_client, topic):
    message = FailedMessageFactory.create(topic=topic)

    by_link = organizer_client.get(resend(message))
    elsewhere = organizer_client.post(resend(message), {"next": "https://evil.example/"})

    assert by_link.status_code == 405
    assert elsewhere["Location"] == OUTBOX


@pytest.mark.usefixtures("meeting")
def test_an_organizer_does_not_see_nor_read_someone_elses_sign_in_code(
    organizer_client, sign_in_code_message
):
    listed = organizer_client.get(OUTBOX)
    opened = organizer_client.get(detail(sign_in_code_message))

    assert table_rows(listed) == [["No message matches."]]
    assert "siti.rahmawati@kemenag.go.id" not in listed.text
    assert opened.status_code == 403
    assert "K7QX2M" not in opened.text


@pytest.mark.usefixtures("sign_in_code_message")
def test_an_organizer_sees_the_mail_of_their_meetings_and_no_other(
    organizer_client, meeting, other_meeting
):
    ours, theirs = meeting.pk, other_meeting.pk
    OutboxMessageFactory.create(recipient="andi@bnpb.go.id", topic=f"meeting:{ours}")
    FailedMessageFactory.create(
        recipient="budi@bps.go.id", kind=Kind.MINUTES, topic=f"meeting:{ours}"
    )
    OutboxMessageFactory.create(
        recipient="citra@bps.go.id", kind=Kind.REGISTRATION, topic=f"registration:{ours}"
    )
    OutboxMessageFactory.create(recipient="dewi@kemenkeu.go.id", topic=f"meeting:{theirs}")
    FailedMessageFactory.create(recipient="eko@kemenkeu.go.id", topic=f"meeting:{theirs}")
    OutboxMessageFactory.create(
        recipient="fajar@kemenkeu.go.id", kind=Kind.REGISTRATION, topic=f"registration:{theirs}"
    )
    OutboxMessageFactory.create(recipient="gita@bmkg.go.id", topic=f"meeting:{ours}0")  # not ours
    OutboxMessageFactory.create(recipient="hadi@bmkg.go.id", kind=Kind.OTHER, topic="")

    listed = organizer_client.get(OUTBOX)
    searched = organizer_client.get(OUTBOX, {"q": "kemenkeu"})

    assert recipients(table_rows(listed)) == [
        "andi@bnpb.go.id",
        "budi@bps.go.id",
        "citra@bps.go.id",
    ]
    assert '>Queued <span class="badge text-bg-light">2</span>' in listed.text
    assert '>Failed <span class="badge text-bg-danger">1</span>' in listed.text
    assert table_rows(searched) == [["No message matches."]]


def test_invitations_sent_for_a_meeting_are_in_its_organizers_outbox_only(
    organizer_client, meeting, other_meeting, django_capture_on_commit_callbacks
):
    ours = [InvitationFactory.create(meeting=meeting) for _ in range(2)]
    theirs = [InvitationFactory.create(meeting=other_meeting) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        events.send_invitations(meeting=meeting, invitations=ours)
        events.send_invitations(meeting=other_meeting, invitations=theirs)

    listed = organizer_client.get(OUTBOX)

    assert recipients(table_rows(listed)) == sorted(i.member.email for i in ours)


@pytest.mark.parametrize(
    "topic_of", [lambda theirs: f"meeting:{theirs.pk}", lambda _theirs: ""], ids=["meeting", "none"]
)
@pytest.mark.usefixtures("meeting")
def test_an_organizer_cannot_resend_a_message_they_may_not_see(
    organizer_client, other_meeting, django_capture_on_commit_callbacks, topic_of
):
    message = FailedMessageFactory.create(topic=topic_of(other_meeting))

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = organizer_client.post(resend(message))

    message.refresh_from_db()
    assert response.status_code == 404
    assert message.state == State.FAILED
    assert message.attempts == 8
    assert queued == []


@pytest.mark.usefixtures("sign_in_code_message")
def test_staff_see_and_resend_every_message(
    staff_client, meeting, other_meeting, django_capture_on_commit_callbacks
):
    OutboxMessageFactory.create(recipient="andi@bnpb.go.id", topic=f"meeting:{meeting.pk}")
    failed = FailedMessageFactory.create(
        recipient="eko@kemenkeu.go.id", topic=f"meeting:{other_meeting.pk}"
    )

    listed = staff_client.get(OUTBOX)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        resent = staff_client.post(resend(failed))

    failed.refresh_from_db()
    assert recipients(table_rows(listed)) == [
        "andi@bnpb.go.id",
        "eko@kemenkeu.go.id",
        "siti.rahmawati@kemenag.go.id",
    ]
    assert "You see the messages about the meetings you organize." not in listed.text
    assert resent.status_code == 302
    assert failed.state == State.QUEUED
    assert len(queued) == 1


def test_staff_read_a_message_with_its_headers_and_text(staff_client, sign_in_code_message):
    response = staff_client.get(detail(sign_in_code_message))

    assert response.status_code == 200
    assert "Your sign-in code is listed below.\n\nK7QX2M" in response.text
    assert '<th scope="row" class="text-nowrap">To</th>' in response.text
    assert "siti.rahmawati@kemenag.go.id" in response.text
    assert sign_in_code_message.message_id.replace("<", "&lt;").replace(">", "&gt;") in (
        response.text
    )


def test_the_html_of_a_message_is_never_shown_as_html(staff_client):
    message = OutboxMessageFactory.create(
        body="Undangan terlampir.",
        html='<p>Undangan</p><script>alert("x")</script><img src=x onerror=alert(1)>',
    )

    response = staff_client.get(detail(message))

    assert "Undangan terlampir." in response.text
    assert "text/html" in response.text
    assert "<script>alert" not in response.text
    assert "onerror" not in response.text


def test_staff_see_the_subject_as_a_link_to_the_message(staff_client):
    message = OutboxMessageFactory.create()

    response = staff_client.get(OUTBOX)

    assert f'<a href="{detail(message)}">' in response.text


@pytest.mark.parametrize("how_many", [3, 300])
def test_the_outbox_takes_the_same_few_queries_for_3_or_300_messages(
    organizer_client, topic, other_meeting, django_assert_max_num_queries, how_many
):
    OutboxMessageFactory.create_batch(how_many - how_many // 3, topic=topic)
    FailedMessageFactory.create_batch(how_many // 3, topic=topic)
    FailedMessageFactory.create_batch(how_many // 3, topic=f"meeting:{other_meeting.pk}")

    # Session, user and group, the meetings they organize, the unsent counts by state and the
    # capped count of sent mail, mail still owed, and the page's rows (keyset: no page count).
    with django_assert_max_num_queries(8):
        page = organizer_client.get(OUTBOX)
    with django_assert_max_num_queries(8):
        failed = organizer_client.get(OUTBOX, {"state": "failed", "q": "instansi"})

    assert len(table_rows(page)) == min(how_many, 25)
    assert len(table_rows(failed)) == min(how_many // 3, 25)


def test_the_list_does_not_load_the_messages_themselves(
    organizer_client, topic, django_assert_max_num_queries
):
    OutboxMessageFactory.create(topic=topic)

    with django_assert_max_num_queries(8) as captured:
        organizer_client.get(OUTBOX)

    row_queries = [
        q["sql"] for q in captured.captured_queries if "outbox_outboxmessage" in q["sql"]
    ]
    assert row_queries
    assert not any('"raw"' in sql for sql in row_queries)


@pytest.mark.parametrize(
    ("method", "page"),
    [("get", lambda _message: OUTBOX), ("get", detail), ("post", resend)],
    ids=["list", "detail", "resend"],
)
def test_only_organizers_see_the_outbox(client, method, page):
    message = FailedMessageFactory.create()
    url = page(message)

    anonymous = getattr(client, method)(url)
    client.force_login(UserFactory.create())
    member = getattr(client, method)(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert member.status_code == 403
    assert OutboxMessage.objects.get().state == State.FAILED


def test_the_outbox_says_the_zone_of_its_times(organizer_client, topic):
    """Queued and sent times carry their zone's label (the server's), like every moment shown."""
    from datetime import UTC, datetime

    message = OutboxMessageFactory.create(recipient="siti@kemenag.go.id", topic=topic)
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=datetime(2026, 12, 6, 18, 46, tzinfo=UTC),
        sent_at=datetime(2026, 12, 6, 18, 47, tzinfo=UTC),
    )

    [row] = table_rows(organizer_client.get(OUTBOX))

    assert row[QUEUED_AT] == "7 Dec 2026 01.46 WIB"
    assert row[SENT_AT] == "7 Dec 2026 01.47 WIB"
