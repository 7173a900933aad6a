"""System checks: every table in its app's schema, and no development secret in a deploy."""

from django.apps import apps
from django.conf import settings
from django.core import checks

from pika.db.tables import table_schema


@checks.register(checks.Tags.models)
def check_tables_in_app_schema(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Fail when a model of a Pika app has its table outside that app's schema.

    An app declares its schema with a ``schema`` attribute on its AppConfig; apps without
    one (Django's own, third-party) are not checked. Unmanaged models (views) are checked
    too: their relation lives in a schema all the same.
    """
    errors = []
    for config in app_configs or apps.get_app_configs():
        expected = getattr(config, "schema", None)
        if expected is None:
            continue
        for model in config.get_models(include_auto_created=True):
            db_table = model._meta.db_table
            schema = table_schema(db_table)
            if schema != expected:
                errors.append(
                    checks.Error(
                        f"{model._meta.label} has its table {db_table!r} outside the schema "
                        f"{expected!r} of app {config.label!r}.",
                        hint=(
                            "Set Meta.db_table = schema_table(...) from pika.db.tables, "
                            "and db_table= on many-to-many fields."
                        ),
                        obj=model,
                        id="pika.E001",
                    )
                )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_no_development_secrets(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Fail `check --deploy` while a secret still has its development value.

    Those values are public (they are in the repository): a deploy with one of them has a
    forgeable session or identity, or encrypted columns anyone can read.
    """
    return [
        checks.Error(
            f"{name} has its development value.",
            hint=f"Set {name} in the environment to a long random secret (README, Deploying).",
            id="pika.E002",
        )
        for name in settings.DEVELOPMENT_SECRETS_IN_USE
    ]
