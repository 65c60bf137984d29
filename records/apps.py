from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
