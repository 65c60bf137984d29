from django.apps import AppConfig


class PersonalDataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "personal_data"
    verbose_name = "Personal data"

    def ready(self):
        # Rebuilding an email whose body retention deleted, for the outbox's "resend".
        from . import rebuild

        rebuild.register()
