from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    schema = "support"
    verbose_name = "Support"
