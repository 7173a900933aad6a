"""Ensure the development admin account exists on the project's own database."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEV_ADMIN_EMAIL = "admin@pika.local"
DEV_ADMIN_PASSWORD = "pika-admin"


class Command(BaseCommand):
    help = (
        f"Create the development superuser {DEV_ADMIN_EMAIL} (password {DEV_ADMIN_PASSWORD}) "
        "unless it exists. Does nothing against any database but the project's own local "
        "cluster (make setup runs it everywhere), so these well-known credentials never "
        "reach a shared server."
    )

    def handle(self, *args, **options):
        if not settings.EMBEDDED_DATABASE:
            self.stderr.write(
                "Skipped the development admin: DATABASE_URL or PG_HOST points at a server "
                "other than the project's own cluster; use createsuperuser there."
            )
            return
        users = get_user_model()._default_manager
        try:
            admin = users.get_by_natural_key(DEV_ADMIN_EMAIL)
        except get_user_model().DoesNotExist:
            users.create_superuser(
                DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD, first_name="Pika", last_name="Admin"
            )
            verb = "created"
        else:
            verb = "exists"
            # A password hashed by a hasher no longer configured would lock the admin out.
            if not admin.check_password(DEV_ADMIN_PASSWORD):
                admin.set_password(DEV_ADMIN_PASSWORD)
                admin.save(update_fields=["password"])
                verb = "exists, password reset"
        self.stdout.write(
            f"Development admin {verb}: {DEV_ADMIN_EMAIL} / {DEV_ADMIN_PASSWORD} "
            "(local cluster only)"
        )
