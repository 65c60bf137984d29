"""One progress link per email (ActionLink) instead of one secret per action.

Each action's current secret becomes its first link, for the person responsible for it, so the
links already in mailboxes keep working. The old column goes in 0004, a migration (and so a
transaction) of its own: PostgreSQL refuses some ALTER TABLEs while the deferred foreign-key
checks of rows just written are pending.
"""

import django.db.models.deletion
from django.db import migrations, models


def carry_secrets_over(apps, schema_editor):
    Action = apps.get_model("outputs", "Action")
    ActionLink = apps.get_model("outputs", "ActionLink")
    # An action without a responsible person had its secret cleared by update_action; one left
    # behind (by hand) would open nothing under the new rule, so it is not carried over.
    current = Action.objects.filter(
        progress_secret_hash__isnull=False, responsible_member__isnull=False
    ).values_list("pk", "responsible_member_id", "progress_secret_hash")
    ActionLink.objects.bulk_create(
        [
            ActionLink(action_id=action_id, member_id=member_id, secret_hash=secret_hash)
            for action_id, member_id, secret_hash in current.iterator(chunk_size=2000)
        ],
        batch_size=500,
    )


def carry_newest_back(apps, schema_editor):
    """Going back: the newest link of each action is the one the old code would have kept."""
    Action = apps.get_model("outputs", "Action")
    ActionLink = apps.get_model("outputs", "ActionLink")
    newest = {}
    for action_id, secret_hash in ActionLink.objects.order_by(
        "action_id", "-created_at", "-pk"
    ).values_list("action_id", "secret_hash"):
        newest.setdefault(action_id, secret_hash)
    for action_id, secret_hash in newest.items():
        Action.objects.filter(pk=action_id).update(progress_secret_hash=secret_hash)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_member_language_calendar_feed"),
        ("outputs", "0002_document_storage"),
    ]

    operations = [
        migrations.CreateModel(
            name="ActionLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("secret_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "action",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links",
                        to="outputs.action",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="members.member",
                    ),
                ),
            ],
        ),
        migrations.RunPython(carry_secrets_over, carry_newest_back),
    ]
