from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    schema = "audit"
    verbose_name = "Audit"
