from django.apps import AppConfig


class PikaConfig(AppConfig):
    """The project package, and the app of the `public` schema."""

    name = "pika"
    schema = "public"

    def ready(self):
        from pika import checks  # noqa: F401  (registers the system checks)
