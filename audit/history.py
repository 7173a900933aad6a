"""History for people: django-simple-history on every audited model, kept in `audit`.

Each model's history table is ``"audit"."<app>_<model>_history"``. Secret columns (the
declared redaction list) and columns derived by the database are left out, and history rows
carry no database defaults: the application role appends history with INSERT alone and
never reads it back (only staff tools, as ``pika_staff``, read history).
"""

from django.apps import apps
from django.db.models import NOT_PROVIDED, GeneratedField
from simple_history import register
from simple_history.models import HistoricalRecords

from pika.db.security import REDACTED_COLUMNS, UNAUDITED
from pika.db.tables import schema_table


class AuditHistory(HistoricalRecords):
    """HistoricalRecords whose copied fields keep no database defaults."""

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for field in fields.values():
            field.db_default = NOT_PROVIDED
        return fields


def history_models():
    """The models whose changes get history: every audited model of a Pika app."""
    return [
        model
        for config in apps.get_app_configs()
        if getattr(config, "schema", None)
        for model in config.get_models()
        if model._meta.managed
        and model._meta.db_table not in UNAUDITED
        and not hasattr(model, "instance_type")  # a history model itself
    ]


def history_register() -> None:
    """Register every audited model with simple-history (called once, from AppConfig.ready)."""
    for model in history_models():
        redacted = REDACTED_COLUMNS.get(model._meta.db_table, [])
        excluded = [
            field.name
            for field in model._meta.concrete_fields
            if field.column in redacted or isinstance(field, GeneratedField)
        ]
        register(
            model,
            app="audit",
            records_class=AuditHistory,
            table_name=schema_table(
                "audit", f"{model._meta.app_label}_{model._meta.model_name}_history"
            ),
            excluded_fields=excluded,
        )
