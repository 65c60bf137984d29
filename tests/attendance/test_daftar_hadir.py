"""The daftar hadir fit for the accounts (SPJ): signatures close with the session, a late one
needs an organizer's reason and is marked, the organizer closes the sheet as a record, and what
comes later makes a new, marked version."""

import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from attendance import services
from attendance.models import CheckIn, LateSignature, SheetSettings
from attendance.pdf import daftar_hadir_html, daftar_hadir_pdf
from attendance.sheet import ROWS_KEPT_WITH_CERTIFICATION
from events.models import Invitation
from records.models import AuditEntry, FrozenDocument
from tests.attendance.factories import CheckInFactory, signature_png
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory, UserFactory
from tests.support.found import present

pytestmark = pytest.mark.django_db

DURING = "2021-11-25 10:00 +07:00"
IN_THE_GRACE = "2021-11-25 16:30 +07:00"  # the session ended at 16.00, signatures close 17.00
NEXT_MORNING = "2021-11-26 09:00 +07:00"


def pages_of(pdf: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def squashed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=2, title="Koordinasi Pranata Humas Antar K/L")
    meeting.organizers.add(organizer)
    SheetSettings.objects.create(
        meeting=meeting,
        certifier_name="Rina Kusumawati",
        certifier_nip="197806232003122001",
        place="Jakarta",
    )
    return meeting


@pytest.fixture
def session(meeting):
    return meeting.sessions.first()


def attendee(meeting, name: str, agency=None, **checkin) -> CheckIn:
    invitation = InvitationFactory.create(
        meeting=meeting,
        answer=Invitation.Answer.YES,
        member=MemberFactory.create(
            full_name=name, agency=agency or AgencyFactory.create(name="BPS")
        ),
    )
    return CheckInFactory.create(invitation=invitation, session=meeting.sessions.first(), **checkin)


def test_a_signature_after_the_session_closed_is_refused_without_an_organizers_reason_and_marked_with_one(  # noqa: E501
    meeting, session, organizer
):
    operator = UserFactory.create()
    ani = attendee(meeting, "Ani Rahmawati")
    with time_machine.travel(IN_THE_GRACE, tick=False):
        services.sign_check_in(checkin=ani, signature=signature_png(), by=operator)
    budi = attendee(meeting, "Budi Santoso")

    with time_machine.travel(NEXT_MORNING, tick=False):
        for by, reason in [(operator, "Lupa tanda tangan"), (organizer, ""), (None, "Alasan")]:
            with pytest.raises(services.LateSignatureRefused):
                services.sign_check_in(
                    checkin=budi, signature=signature_png(), by=by, reason=reason
                )
        unsigned = CheckIn.objects.get(pk=budi.pk)
        services.sign_check_in(
            checkin=budi,
            signature=signature_png(),
            by=organizer,
            reason="Hadir penuh, lupa menandatangani di meja registrasi",
        )

    late = LateSignature.objects.get()
    [audit] = AuditEntry.objects.filter(action="signature.added_late")
    text = "".join(pages_of(daftar_hadir_pdf(session=session)))
    assert unsigned.signature is None
    assert not LateSignature.objects.filter(checkin=ani).exists()  # within the grace
    assert late.checkin_id == budi.pk
    assert late.allowed_by == organizer
    assert late.reason == "Hadir penuh, lupa menandatangani di meja registrasi"
    assert audit.actor == organizer
    assert audit.reason == late.reason
    assert squashed("tanda tangan susulan, diizinkan oleh") in text
    assert squashed("lupa menandatangani di meja registrasi") in text
    assert "‡" in text


@pytest.mark.usefixtures("session")
def test_an_organizer_on_the_desk_page_gives_the_reason_after_signatures_closed(
    organizer_client, meeting
):
    budi = attendee(meeting, "Budi Santoso")
    url = reverse("attendance:sign", args=[meeting.pk, budi.pk])
    from tests.attendance.factories import signature_data_url

    with time_machine.travel(NEXT_MORNING, tick=False):
        page = organizer_client.get(url)
        refused = organizer_client.post(url, {"signature": signature_data_url()})
        saved = organizer_client.post(
            url, {"signature": signature_data_url(), "late_reason": "Tertinggal di meja"}
        )

    assert 'name="late_reason"' in page.content.decode()
    assert refused.status_code == 400
    assert saved.status_code == 302
    assert LateSignature.objects.get().reason == "Tertinggal di meja"


def test_each_row_says_how_and_when_the_person_came_and_signed_and_why_it_is_remarkable(
    meeting, session
):
    kemenag = AgencyFactory.create(name="Kementerian Agama")
    bdk = AgencyFactory.create(name="Balai Diklat Keagamaan Jakarta", parent=kemenag)
    attendee(
        meeting,
        "Euis Komariah",
        agency=bdk,
        method=CheckIn.Method.SCAN,
        at=session.starts_at.replace(minute=31),
        signature=signature_png(),
    )
    stand_in = attendee(meeting, "Baiq Hidayati", method=CheckIn.Method.SELF)
    InvitationFactory.create(
        meeting=meeting,
        answer=Invitation.Answer.REPRESENTED,
        represented_by=stand_in.invitation,
        member=MemberFactory.create(full_name="Slamet Riyadi"),
    )
    attendee(meeting, "Yusuf Maulana", method=CheckIn.Method.WALK_IN)
    attendee(meeting, "Yuliana Rumbiak", method=CheckIn.Method.ONLINE)

    [page] = pages_of(daftar_hadir_pdf(session=session))

    assert squashed("QR di meja registrasi 08.31") in page
    assert squashed("Hadir mandiri") in page
    assert squashed("mewakili Slamet Riyadi") in page
    assert squashed("Tanpa undangan") in page
    assert squashed("tanpa undangan") in page
    assert squashed("Daring") in page
    assert squashed("daring") in page
    # Present online: the evidence stands in the signature's place (hybrid meetings).
    assert page.count(squashed("hadir, belum tanda tangan")) == 2
    assert squashed("hadir daring — registrasi daring pukul") in page
    # The unit under its ministry, the ministry as the group.
    assert page.index("KementerianAgama") < page.index("BalaiDiklatKeagamaanJakarta")
    assert squashed("Jumlah hadir: 4 orang") in page
    assert squashed("Pejabat Pembuat Komitmen") in page
    assert "RinaKusumawati" in page


def test_every_page_names_the_activity_and_session_and_the_certification_keeps_its_rows(
    meeting, session
):
    for number in range(45):
        attendee(meeting, f"Peserta {number:02d}", signature=signature_png())

    pages = pages_of(daftar_hadir_pdf(session=session))

    assert len(pages) >= 2
    for page in pages:
        assert squashed("Koordinasi Pranata Humas Antar K/L") in page
        assert squashed("Kamis, 25 November 2021 · Hari 1") in page
    last = pages[-1]
    assert "Mengetahui," in last
    kept = [f"Peserta{n:02d}" for n in range(45 - ROWS_KEPT_WITH_CERTIFICATION, 45)]
    assert all(name in last for name in kept)
    assert all("Mengetahui," not in page for page in pages[:-1])


def test_the_blank_sheet_alternates_its_signature_boxes():
    meeting = MeetingFactory.create()
    for name in ("Ani", "Budi", "Citra"):
        InvitationFactory.create(
            meeting=meeting,
            answer=Invitation.Answer.YES,
            member=MemberFactory.create(full_name=name),
        )

    html, _signatures = daftar_hadir_html(session=meeting.sessions.get(), blank=True)

    assert html.count('class="half right"') == 4  # rows 2, 4, 6, 8 (4 to 8 are spare rows)
    assert html.count('class="half"') == 4  # rows 1, 3, 5, 7


def test_the_organizer_closes_the_sheet_after_the_grace_as_a_record(meeting, session, organizer):
    attendee(meeting, "Ani Rahmawati", signature=signature_png())

    with time_machine.travel(IN_THE_GRACE, tick=False), pytest.raises(services.SheetError):
        services.close_sheet(session=session, by=organizer)
    with time_machine.travel(NEXT_MORNING, tick=False):
        with pytest.raises(services.SheetError):
            services.close_sheet(session=session, by=UserFactory.create())
        document = services.close_sheet(session=session, by=organizer)

    [page] = pages_of(document.pdf_bytes())
    assert document.kind == FrozenDocument.Kind.DAFTAR_HADIR
    assert document.version == 1
    assert document.subject == session
    assert document.signers == ["Rina Kusumawati"]
    assert "Versi1" in page
    assert "Kode" in page
    assert "PRATINJAU" not in page


def test_a_later_arrival_makes_a_new_marked_version_and_the_first_stays(
    meeting, session, organizer
):
    with time_machine.travel(DURING, tick=False):
        attendee(meeting, "Ani Rahmawati", signature=signature_png())
    with time_machine.travel(NEXT_MORNING, tick=False):
        first = services.close_sheet(session=session, by=organizer)
    with time_machine.travel("2021-11-26 10:00 +07:00", tick=False):
        attendee(meeting, "Budi Santoso")
        [status, _other] = services.sheet_statuses(meeting=meeting)
        second = services.close_sheet(session=session, by=organizer, reason="Budi dicatat manual")
        with pytest.raises(services.SheetError):
            services.close_sheet(session=session, by=organizer, reason="Lagi")

    first.refresh_from_db()
    [page] = pages_of(second.pdf_bytes())
    assert status.changed == 1
    assert second.version == 2
    assert second.reason == "Budi dicatat manual"
    assert first.superseded_by == second
    assert "BudiSantoso" in page
    assert "†" in page
    assert "BudiSantoso" not in pages_of(first.pdf_bytes())[0]


def test_settings_decide_when_signatures_close_and_are_audited(organizer_client, meeting, session):
    url = reverse("attendance:sheets", args=[meeting.pk])

    saved = organizer_client.post(
        url,
        {
            "signature_grace_minutes": "120",
            "certifier": SheetSettings.Certifier.COMMITTEE_CHAIR,
            "certifier_name": "Ahmad Fauzi",
            "certifier_nip": "198204172009011004",
            "place": "Jakarta",
        },
    )

    assert saved.status_code == 302
    assert services.signatures_close_at(session).hour == 18 - 7 + 0  # 18.00 WIB in UTC
    assert AuditEntry.objects.filter(action="daftar_hadir.settings_changed").exists()
    text = "".join(pages_of(daftar_hadir_pdf(session=session)))
    assert squashed("Ketua Panitia") in text
    assert "AhmadFauzi" in text


def test_the_sheets_page_closes_and_serves_each_version_for_organizers_only(
    client, organizer_client, meeting, session
):
    attendee(meeting, "Ani Rahmawati", signature=signature_png())
    with time_machine.travel(NEXT_MORNING, tick=False):
        page = organizer_client.get(reverse("attendance:sheets", args=[meeting.pk]))
        closed = organizer_client.post(
            reverse("attendance:sheet_close", args=[meeting.pk, session.pk])
        )
    download = organizer_client.get(
        reverse(
            "records:document_download",
            args=[meeting.pk, FrozenDocument.objects.get().pk, "pdf"],
        )
    )
    client.force_login(UserFactory.create())
    other = client.get(
        reverse(
            "records:document_download",
            args=[meeting.pk, FrozenDocument.objects.get().pk, "pdf"],
        )
    )

    assert page.status_code == 200
    assert closed.status_code == 302
    assert download.content == FrozenDocument.objects.get().pdf_bytes()
    assert other.status_code == 403


def test_a_sheet_that_cannot_be_made_is_not_closed_and_the_organizer_is_told(
    meeting, session, organizer, monkeypatch
):
    import weasyprint

    def broken(*args, **kwargs):
        raise OSError("a font that will not load")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    attendee(meeting, "Ani Rahmawati")

    with time_machine.travel(NEXT_MORNING, tick=False), pytest.raises(services.SheetError):
        services.close_sheet(session=session, by=organizer)

    assert not FrozenDocument.objects.exists()


def test_a_grace_lengthened_after_the_sheet_closed_neither_reopens_it_nor_delays_its_next_version(
    organizer_client, meeting, session, organizer
):
    budi = attendee(meeting, "Budi Santoso")
    sign = reverse("attendance:sign", args=[meeting.pk, budi.pk])
    from tests.attendance.factories import signature_data_url

    with time_machine.travel(NEXT_MORNING, tick=False):
        services.close_sheet(session=session, by=organizer)
        organizer_client.post(
            reverse("attendance:sheets", args=[meeting.pk]),
            {
                "signature_grace_minutes": str(7 * 24 * 60),
                "certifier": SheetSettings.Certifier.COMMITTEE_CHAIR,
                "certifier_name": "Rina Kusumawati",
                "certifier_nip": "197806232003122001",
                "place": "Jakarta",
            },
        )
        with pytest.raises(services.LateSignatureRefused):
            services.sign_check_in(checkin=budi, signature=signature_png(), by=UserFactory.create())
        page = organizer_client.get(sign)
        refused = organizer_client.post(sign, {"signature": signature_data_url()})
        unsigned = CheckIn.objects.get(pk=budi.pk)
        late = services.sign_check_in(
            checkin=budi, signature=signature_png(), by=organizer, reason="Tertinggal"
        )
        second = services.close_sheet(session=session, by=organizer)

    assert services.signatures_close_at(session) > session.ends_at.replace(day=30)
    assert unsigned.signature is None
    assert LateSignature.objects.get(checkin=late).reason == "Tertinggal"
    assert second.version == 2
    assert 'name="late_reason"' in page.content.decode()
    assert refused.status_code == 400


@pytest.mark.usefixtures("session", "organizer")
def test_every_signature_given_or_replaced_at_the_desk_is_in_the_audit_trail(meeting):
    operator = UserFactory.create(name="Andi Saputra")
    ani = attendee(meeting, "Ani Rahmawati")

    with time_machine.travel(DURING, tick=False):
        services.sign_check_in(checkin=ani, signature=signature_png(), by=operator)
    with time_machine.travel(IN_THE_GRACE, tick=False):
        services.sign_check_in(checkin=ani, signature=signature_png(), by=operator)

    trail = AuditEntry.objects.filter(meeting=meeting).order_by("at", "pk")
    assert [(e.action, e.actor) for e in trail] == [
        ("signature.added", operator),
        ("signature.replaced", operator),
    ]
    assert trail[1].before == {"signed": True}
    assert present(trail[1].after)["person"] == "Ani Rahmawati"


def test_undoing_a_check_in_and_excusing_someone_are_in_the_audit_trail(
    meeting, session, organizer
):
    operator = UserFactory.create(name="Andi Saputra")
    ani = attendee(meeting, "Ani Rahmawati", signature=signature_png())
    budi = InvitationFactory.create(
        meeting=meeting,
        answer=Invitation.Answer.YES,
        member=MemberFactory.create(full_name="Budi Santoso"),
    )

    services.undo_check_in(checkin=ani, operator=operator)
    services.undo_check_in(checkin=ani, operator=operator)  # twice: nothing more
    excuse = services.record_excuse(
        invitation=budi, session=session, reason="Sakit", recorded_by=organizer
    )
    services.record_excuse(invitation=budi, session=session, reason="Sakit", recorded_by=organizer)
    services.remove_excuse(excuse=excuse, removed_by=organizer)

    trail = list(AuditEntry.objects.filter(meeting=meeting).order_by("at", "pk"))
    assert [(e.action, e.actor) for e in trail] == [
        ("attendance.checkin_undone", operator),
        ("attendance.excused", organizer),
        ("attendance.excuse_removed", organizer),
    ]
    assert present(trail[0].before)["person"] == "Ani Rahmawati"
    assert present(trail[0].before)["signed"] is True
    assert trail[0].after is None
    assert trail[1].after == {
        "person": "Budi Santoso",
        "session": session.title,
        "excused": True,
        "reason": "Sakit",
    }
    assert present(trail[2].before)["reason"] == "Sakit"
    assert trail[2].after is None


def test_the_times_on_the_sheet_say_their_zone(meeting, session):
    """A WITA meeting's sheet prints its times in WITA: it says so."""
    meeting.time_zone = "Asia/Makassar"
    meeting.save(update_fields=["time_zone"])
    session.refresh_from_db()
    attendee(
        meeting,
        "Sitti Nurhayati",
        method=CheckIn.Method.SCAN,
        at=session.starts_at.replace(minute=31),
        signature=signature_png(),
    )

    [page] = pages_of(daftar_hadir_pdf(session=session))

    assert squashed("Tercatat hadir (WITA)") in page
    assert squashed("Semua waktu dalam WITA.") in page
