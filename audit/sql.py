"""SQL builders for the audit schema's history tables (migrations call them with frozen lists)."""

from django.db.backends.utils import split_identifier

APPLICATION_ROLE = "application_role"


def history_view_permission(history_table: str) -> str:
    """The permission that reads a history table: ``users_user_history``: ``users.view_user``.

    Follows the naming of audit/history.py: ``"audit"."<app>_<model>_history"``.
    """
    app_label, model_name = (
        split_identifier(history_table)[1].removesuffix("_history").split("_", 1)
    )
    return f"{app_label}.view_{model_name}"


def sql_literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def history_guard_sql(history_table: str) -> str:
    """Stamp a history table's rows with the vouched actor and the clock; readers need view.

    The application role may append (simple-history writes from Python) and read what its
    user's view permission on the audited model allows; nobody at runtime updates or deletes.
    The permission check is a sub-select so that PostgreSQL runs it once per query, not per row.
    """
    permission = sql_literal(history_view_permission(history_table))
    return f"""
        CREATE OR REPLACE TRIGGER history_stamp BEFORE INSERT ON {history_table}
        FOR EACH ROW EXECUTE FUNCTION audit.history_stamp();
        REVOKE ALL ON {history_table} FROM PUBLIC, {APPLICATION_ROLE};
        GRANT SELECT, INSERT ON {history_table} TO {APPLICATION_ROLE};
        ALTER TABLE {history_table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {history_table} FORCE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS history_append ON {history_table};
        CREATE POLICY history_append ON {history_table} FOR INSERT TO {APPLICATION_ROLE}
            WITH CHECK (true);
        DROP POLICY IF EXISTS history_read ON {history_table};
        CREATE POLICY history_read ON {history_table} FOR SELECT TO {APPLICATION_ROLE}
            USING ((SELECT security.has_perm({permission})));
    """


def history_guard_drop_sql(history_table: str) -> str:
    """Undo `history_guard_sql`, back to appending without reading."""
    return f"""
        DROP POLICY IF EXISTS history_read ON {history_table};
        DROP POLICY IF EXISTS history_append ON {history_table};
        ALTER TABLE {history_table} NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE {history_table} DISABLE ROW LEVEL SECURITY;
        REVOKE SELECT ON {history_table} FROM {APPLICATION_ROLE};
        DROP TRIGGER IF EXISTS history_stamp ON {history_table};
    """
