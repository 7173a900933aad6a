from django.apps import AppConfig


class BusinessConfig(AppConfig):
    name = "business"
    schema = "business"
    verbose_name = "Business"
