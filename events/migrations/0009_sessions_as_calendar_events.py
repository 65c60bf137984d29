"""Each session becomes a calendar event of its own, with its own UID.

A meeting sent before was one event under the meeting's UID. Its earliest session keeps that
UID, so the next update reaches exactly what calendars stored (the event shrinks to the first
session, the other sessions arrive as new events); the other sessions get new UIDs. Every
session starts at the meeting's SEQUENCE, and every invitation already sent is marked as told
up to the SEQUENCE before it, so that next update carries every session, not only the changed
ones.
"""

import django.db.models.deletion
from django.db import migrations, models

import events.models


def give_sessions_their_uids(apps, schema_editor):
    Meeting = apps.get_model("events", "Meeting")
    Session = apps.get_model("events", "Session")
    Invitation = apps.get_model("events", "Invitation")
    for meeting in Meeting.objects.only("pk", "uid", "sequence").iterator():
        sessions = list(Session.objects.filter(meeting=meeting).order_by("starts_at", "pk"))
        for index, session in enumerate(sessions):
            session.uid = meeting.uid if index == 0 else events.models.new_calendar_uid()
            session.sequence = meeting.sequence
        Session.objects.bulk_update(sessions, ["uid", "sequence"])
        Invitation.objects.filter(meeting=meeting, invitation_sent_at__isnull=False).update(
            calendar_sequence=meeting.sequence - 1
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_seat_offer"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarreply",
            name="sender",
            field=models.CharField(blank=True, max_length=320),
        ),
        migrations.AddField(
            model_name="calendarreply",
            name="session",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="events.session",
            ),
        ),
        migrations.AlterField(
            model_name="calendarreply",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("applied", "Answer updated"),
                    ("noted", "About one session: shown, not applied"),
                    ("ignored", "Ignored: not sent by the invitee"),
                    ("stale", "Older than the last answer"),
                    ("unknown", "No matching invitation"),
                    ("invalid", "Not a calendar reply"),
                ],
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="calendar_sequence",
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="meeting",
            name="removed_sessions",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="session",
            name="sequence",
            field=models.PositiveIntegerField(default=0, verbose_name="calendar sequence"),
        ),
        migrations.AddField(
            model_name="session",
            name="uid",
            field=models.CharField(max_length=120, null=True, verbose_name="calendar UID"),
        ),
        migrations.RunPython(give_sessions_their_uids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="session",
            name="uid",
            field=models.CharField(
                default=events.models.new_calendar_uid,
                max_length=120,
                unique=True,
                verbose_name="calendar UID",
            ),
        ),
    ]
