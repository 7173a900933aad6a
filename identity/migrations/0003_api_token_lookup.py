"""API tokens: find the user of a bearer token by its hash, before anyone is signed in.

A bearer token is an ``identity.sessions`` row: its ``refresh_token_hash`` holds the
SHA-256 of the token the client holds. A request has no identity until the token is
checked, and row level security hides every session from nobody, so this SECURITY DEFINER
function answers the one question: whose live (unexpired, unrevoked) token of an active
user has this hash. It takes the hash, so it reveals nothing to SQL that lacks the token.
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION identity.api_token_user(token_hash pg_catalog.text) RETURNS pg_catalog.uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT s.user_id FROM identity.sessions s JOIN users.users u ON u.id = s.user_id
    WHERE s.refresh_token_hash = token_hash AND s.revoked_at IS NULL
        AND s.expires_at > pg_catalog.now() AND u.is_active
$$;
COMMENT ON FUNCTION identity.api_token_user(pg_catalog.text) IS
    'The active user whose live API token has this SHA-256 hash, else NULL.';
REVOKE ALL ON FUNCTION identity.api_token_user(pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity.api_token_user(pg_catalog.text) TO application_role;
"""


class Migration(migrations.Migration):
    dependencies = [("identity", "0002_bounded_input"), ("security", "0005_least_privilege")]

    operations = [
        migrations.RunSQL(
            FUNCTION, reverse_sql="DROP FUNCTION identity.api_token_user(pg_catalog.text);"
        )
    ]
