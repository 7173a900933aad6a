"""A narrow way to find a user before anyone is logged in.

users.users is under row level security: the application role sees no row until
app.user_id names one. Logging in must find the user by email first; this SECURITY DEFINER
function (owned by the migrating owner role) returns that one id and nothing else.
"""

from django.db import migrations

from pika.db.security import APPLICATION_ROLE
from pika.db.tables import schema_table

USERS = schema_table("users", "users")

FORWARD = f"""
CREATE FUNCTION users.login_lookup(login_email text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT id FROM {USERS} WHERE lower(email) = lower(login_email)
$$;
REVOKE ALL ON FUNCTION users.login_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION users.login_lookup(text) TO {APPLICATION_ROLE};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0003_password_hash_field"),
        ("security", "0002_row_level_security"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, reverse_sql="DROP FUNCTION IF EXISTS users.login_lookup(text)"),
    ]
