from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    schema = "identity"
    verbose_name = "Identity"
