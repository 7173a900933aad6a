"""The runtime roles' privileges and, with ENABLE_ROW_SECURITY, the isolation policies.

application_role (the seed's name) may read and write the domain tables, subject to the
policies: on a table that holds one user's data it sees and changes only the rows of the
user in app.user_id, and nothing when none is set. pika_staff bypasses the policies for
staff tools. Neither may touch the audit log beyond appending (audit.0002).
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import migrations

from pika.db.security import (
    ROLES_SQL,
    grants_revoke_sql,
    grants_sql,
    missing_roles,
    policy_drop_sql,
    policy_sql,
)

# Frozen here: tables added later get their policy in a later migration (a test insists).
OWN_ROWS = {
    '"users"."users"': "id = {me}",
    '"users"."user_profiles"': "user_id = {me}",
    '"users"."user_preferences"': "user_id = {me}",
    '"users"."addresses"': "user_id = {me}",
    '"identity"."sessions"': "user_id = {me}",
    '"identity"."one_time_tokens"': "user_id = {me}",
    '"identity"."external_identities"': "user_id = {me}",
    '"security"."api_keys"': "owner_id = {me}",
    '"support"."tickets"': "requester_id = {me}",
    '"support"."ticket_messages"': (
        'NOT is_internal AND EXISTS (SELECT FROM "support"."tickets" t WHERE t.id = ticket_id)'
    ),
    '"support"."ticket_attachments"': (
        'EXISTS (SELECT FROM "support"."ticket_messages" m WHERE m.id = message_id)'
    ),
    '"payments"."payments"': "payer_id = {me}",
    '"payments"."refunds"': 'EXISTS (SELECT FROM "payments"."payments" p WHERE p.id = payment_id)',
    '"files"."files"': "owner_id = {me}",
    '"marketplace"."saved_vouchers"': "user_id = {me}",
    '"marketplace"."redemptions"': "user_id = {me}",
}
# The audit schema is granted by audit.0002: appending only.
SCHEMAS = [
    "public",
    "users",
    "identity",
    "support",
    "payments",
    "files",
    "i18n",
    "catalog",
    "marketplace",
    "business",
    "analytics",
    "security",
]


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        missing = missing_roles(cursor)
    if missing:
        raise CommandError(
            f"the roles {', '.join(missing)} are missing or not granted to the migrating role; "
            f"a superuser must run:{ROLES_SQL}(make db does this for the project's own cluster)"
        )
    schema_editor.execute(grants_sql(SCHEMAS))
    if settings.ENABLE_ROW_SECURITY:
        for table, own_rows in OWN_ROWS.items():
            schema_editor.execute(policy_sql(table, own_rows))


def uninstall(apps, schema_editor):
    for table in OWN_ROWS:
        schema_editor.execute(policy_drop_sql(table))
    schema_editor.execute(grants_revoke_sql(SCHEMAS))


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0001_initial"),
        ("audit", "0002_audit_trail"),
        ("analytics", "0002_daily_voucher_stats_view"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
