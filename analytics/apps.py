from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    schema = "analytics"
    verbose_name = "Analytics"
