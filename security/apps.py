from django.apps import AppConfig
from django.db import connections, transaction
from django.db.models.signals import post_migrate


def _install_identity_secret(sender, using, **kwargs):
    from pika.db.identity import identity_secret_install

    with transaction.atomic(using=using):
        identity_secret_install(connections[using])


class SecurityConfig(AppConfig):
    name = "security"
    schema = "security"
    verbose_name = "Security"

    def ready(self):
        # The key the web signs identities with must be the one the database checks.
        post_migrate.connect(_install_identity_secret, sender=self)
