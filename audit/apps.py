from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    schema = "audit"
    verbose_name = "Audit"

    def ready(self):
        from audit.history import history_register

        history_register()
