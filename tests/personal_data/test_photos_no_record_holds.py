"""A meeting photo uploaded after the laporan was finalised is in no version of it: retention
keeps its live copy until a later version holds it (or the archive retention ends), as it does
for signatures given after the daftar hadir closed."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from outputs.models import Document
from personal_data.services import retention
from records.models import FrozenDocument
from tests.events.factories import MeetingFactory
from tests.records.support import freeze

pytestmark = pytest.mark.django_db


def photo(meeting, organizer):
    return Document.objects.create(
        meeting=meeting,
        kind=Document.Kind.PHOTO,
        title="Foto bersama",
        file=ContentFile(b"\xff\xd8\xff\xe0 jpeg", name="foto.jpg"),
        original_name="foto.jpg",
        content_type="image/jpeg",
        size=9,
        uploaded_by=organizer,
    )


def test_a_photo_added_after_the_final_laporan_stays(organizer):
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    held = photo(meeting, organizer)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        freeze(meeting, None, organizer, kind=FrozenDocument.Kind.LAPORAN, title="Laporan")
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        later = photo(meeting, organizer)

    with time_machine.travel(timezone.now() + timedelta(days=1096)):
        retention.purge()

    assert not Document.objects.filter(pk=held.pk).exists()
    assert Document.objects.filter(pk=later.pk).exists()
