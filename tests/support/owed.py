"""Beat's sweeper, as the tests that lose tasks on purpose run it (outbox.tasks.sweep)."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.utils import timezone

from outbox.models import OwedMail
from outbox.tasks import sweep


def sweep_later(*, graces: int = 1) -> int:
    """Run beat's sweep once what was handed to Celery had its time: `graces` × OWED_GRACE and a
    minute from now (a repeated hand-over waits twice as long each time). Returns how many
    tasks and messages it handed over."""
    later = timezone.now() + settings.OWED_GRACE * graces + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        return sweep.apply().get()


def owed(**filters) -> list[OwedMail]:
    """The owed mail left, oldest first."""
    return list(OwedMail.objects.filter(**filters).order_by("owed_since", "pk"))
