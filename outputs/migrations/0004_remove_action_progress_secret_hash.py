from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("outputs", "0003_action_links"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="action",
            name="progress_secret_hash",
        ),
    ]
