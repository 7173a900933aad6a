"""What the web may do to each table, declared once, and the SQL that makes the database hold it.

Every app declares its tables in ``<app>/access.py`` as ``ACCESS = {model label: Access}``.
From that declaration come the grants, the row level security policies and the column
guards that a migration installs (frozen there as SQL), the tests that attack each rule,
and the README's table. Web requests run as ``application_role``: a table not declared
anywhere is out of its reach.

Each table's rows are reachable by the union of:

- ``rules``: who else may do what (the user's own rows, public rows, a business's staff);
- Django's model permissions of the acting user, for staff tools: view (or change) to
  read, add to insert, change to update, delete to delete (``perms`` overrides them);

and ``guards`` refuse a change of a column unless the acting user meets a requirement,
whoever matched the rules. Guards compare values rather than name columns in a column
privilege, because Django's ``save()`` writes every column, changed or not.

Conditions are SQL with ``{me}`` for the acting user, which the web process vouched for
(``security.current_user_id()``, NULL when nobody acts: every rule with ``{me}`` then
matches nothing).
"""

import hashlib
import importlib
import json
from dataclasses import dataclass

from django.apps import apps

APPLICATION_ROLE = "application_role"
ME = "(SELECT security.current_user_id())"
COMMANDS = ("SELECT", "INSERT", "UPDATE", "DELETE")

# Requirements, for `perms` and `guards`.
SUPERUSER = "superuser"
NOBODY = "nobody"  # only the owner's services and commands, which bypass row level security


def perm(label: str) -> str:
    """A requirement met by users with Django permission ``label`` (``app.codename``)."""
    return f"perm:{label}"


@dataclass(frozen=True)
class Rule:
    """Who may run ``commands`` on which rows, besides staff with Django permissions.

    ``using`` selects the rows a SELECT, UPDATE or DELETE may touch; ``check`` the rows an
    INSERT or UPDATE may leave behind (defaults to ``using``).
    """

    name: str
    commands: tuple[str, ...]
    using: str | None = None
    check: str | None = None


@dataclass(frozen=True)
class Guard:
    """A column only users meeting ``requirement`` may set.

    On UPDATE the column may not change; on INSERT it must hold ``insert`` (JSON, as
    ``to_jsonb`` renders the value), unless the acting user meets the requirement.
    """

    column: str
    requirement: str
    insert: object = None


@dataclass(frozen=True)
class Access:
    """A table's declaration; see the module docstring."""

    rules: tuple[Rule, ...] = ()
    perms: dict[str, tuple[str, ...]] | None = None
    guards: tuple[Guard, ...] = ()
    # False for a relation everyone may read in full and the web never writes (a
    # materialized view; a table of public data derived by the owner's triggers, see
    # `public_derived`): granted SELECT only, and no row level security.
    row_security: bool = True


def own(name, commands, condition, check=None) -> Rule:
    """A rule over rows that belong to the acting user."""
    return Rule(name, tuple(commands), condition, check)


def public_read(condition: str = "true") -> Rule:
    """Anyone, signed in or not, may read the rows matching ``condition``."""
    return Rule("public", ("SELECT",), condition)


def public_derived() -> Access:
    """A table of public data that only the owner's SECURITY DEFINER triggers write.

    Everyone may read every row and the web may write none, so the table needs no row level
    security, and without it (no policy, no security barrier) the planner may hand any
    condition to the table's indexes: PostgreSQL keeps operators that are not leakproof
    (PostGIS's ``&&`` and ``<->``, full-text ``@@``, ``pg_trgm``'s ``%>``) from running
    before a policy's conditions, and so away from the indexes of a table with policies.
    A table declared so must hold nothing that any visitor may not read.
    """
    return Access(row_security=False)


def declared_access() -> dict[str, Access]:
    """Every app's ``ACCESS``, keyed by model label, in app order."""
    declared = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.access")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.access":
                raise
            continue
        declared.update(module.ACCESS)
    return declared


def default_perms(model) -> dict[str, tuple[str, ...]]:
    """Django's model permissions, as the admin checks them, per SQL command."""
    label = model._meta.app_label
    name = model._meta.model_name
    return {
        "SELECT": (perm(f"{label}.view_{name}"), perm(f"{label}.change_{name}")),
        "INSERT": (perm(f"{label}.add_{name}"),),
        "UPDATE": (perm(f"{label}.change_{name}"),),
        "DELETE": (perm(f"{label}.delete_{name}"),),
    }


def requirement_sql(requirement: str) -> str:
    """The SQL condition a requirement stands for, run once per statement."""
    if requirement == SUPERUSER:
        return "(SELECT security.is_superuser())"
    if requirement == NOBODY:
        return "false"
    kind, _, label = requirement.partition(":")
    if kind != "perm" or not label:
        raise ValueError(f"unknown requirement {requirement!r}")
    return f"(SELECT security.has_perm('{label}'))"


def table_policies(model, access: Access) -> list[tuple[str, str, str | None, str | None]]:
    """(name, command, using, check) of each policy a table gets."""
    policies = []
    for rule in access.rules:
        using = rule.using.format(me=ME) if rule.using else None
        check = (rule.check or rule.using or "").format(me=ME) or None
        for command in rule.commands:
            policies.append(
                (
                    f"{rule.name}_{command.lower()}",
                    command,
                    None if command == "INSERT" else using,
                    check if command in ("INSERT", "UPDATE") else None,
                )
            )
    perms = {**default_perms(model), **(access.perms or {})}
    for command in COMMANDS:
        condition = " OR ".join(requirement_sql(r) for r in perms[command]) or "false"
        policies.append(
            (
                f"staff_{command.lower()}",
                command,
                None if command == "INSERT" else condition,
                condition if command in ("INSERT", "UPDATE") else None,
            )
        )
    return policies


def access_sql(declared: dict[str, Access] | None = None) -> str:
    """Grants, policies and guards for every declared table: what a migration freezes."""
    declared = declared_access() if declared is None else declared
    statements = []
    for label, access in declared.items():
        model = apps.get_model(label)
        table = model._meta.db_table
        if not access.row_security:
            statements.append(f"GRANT SELECT ON {table} TO {APPLICATION_ROLE};")
            if model._meta.managed:  # a table (a view has no row level security to drop)
                statements += [
                    f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;",
                    f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;",
                ]
            continue
        statements += [
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APPLICATION_ROLE};",
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;",
        ]
        for name, command, using, check in table_policies(model, access):
            clauses = f" USING ({using})" if using else ""
            clauses += f" WITH CHECK ({check})" if check else ""
            statements.append(
                f"CREATE POLICY {name} ON {table} AS PERMISSIVE FOR {command}"
                f" TO {APPLICATION_ROLE}{clauses};"
            )
        if access.guards:
            arguments = ", ".join(
                f"'{g.column}', '{g.requirement}', '{json.dumps(g.insert)}'" for g in access.guards
            )
            statements.append(
                f"CREATE TRIGGER guard_columns BEFORE INSERT OR UPDATE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION security.guard_columns({arguments});"
            )
    return "\n".join(statements)


GUARD_FUNCTION_SQL = """
CREATE FUNCTION security.guard_columns() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    new_row pg_catalog.jsonb := pg_catalog.to_jsonb(NEW);
    old_row pg_catalog.jsonb;
    i integer := 0;
    baseline pg_catalog.jsonb;
    allowed boolean;
BEGIN
    -- Roles that bypass row level security (the owner, its SECURITY DEFINER services)
    -- are the ones these guards leave in charge.
    IF NOT pg_catalog.row_security_active(TG_RELID) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        old_row := pg_catalog.to_jsonb(OLD);
    END IF;
    WHILE i < TG_NARGS LOOP
        baseline := CASE WHEN TG_OP = 'UPDATE' THEN old_row -> TG_ARGV[i]
                         ELSE TG_ARGV[i + 2]::pg_catalog.jsonb END;
        IF (new_row -> TG_ARGV[i]) IS DISTINCT FROM baseline THEN
            allowed := CASE
                WHEN TG_ARGV[i + 1] = 'superuser' THEN security.is_superuser()
                WHEN TG_ARGV[i + 1] LIKE 'perm:%' THEN
                    security.has_perm(pg_catalog.substr(TG_ARGV[i + 1], 6))
                ELSE false
            END;
            IF NOT allowed THEN
                RAISE EXCEPTION 'setting %.% needs %', TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1]
                    USING ERRCODE = 'insufficient_privilege', COLUMN = TG_ARGV[i];
            END IF;
        END IF;
        i := i + 3;
    END LOOP;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION security.guard_columns() IS
    'Refuses changes of guarded columns (column, requirement, value on insert) under RLS.';
REVOKE ALL ON FUNCTION security.guard_columns() FROM PUBLIC;
"""


def access_reset_sql(tables: list[str]) -> str:
    """Drop every policy and column guard on ``tables`` and revoke the runtime role there.

    What `access_sql` installs is complete for a table, so a later migration resets the
    tables and installs the whole declaration again.
    """
    names = ", ".join(f"'{table}'" for table in tables)
    return f"""
DO $$
DECLARE
    target regclass;
    policy record;
BEGIN
    FOREACH target IN ARRAY ARRAY[{names}]::regclass[] LOOP
        FOR policy IN SELECT polname FROM pg_catalog.pg_policy WHERE polrelid = target LOOP
            EXECUTE format('DROP POLICY %I ON %s', policy.polname, target);
        END LOOP;
        EXECUTE format('DROP TRIGGER IF EXISTS guard_columns ON %s', target);
        EXECUTE format('REVOKE ALL ON %s FROM {APPLICATION_ROLE}', target);
    END LOOP;
END
$$;
"""


def declared_tables(declared: dict[str, Access] | None = None) -> list[str]:
    """The tables of the declaration, as ``db_table`` values."""
    declared = declared_access() if declared is None else declared
    return [apps.get_model(label)._meta.db_table for label in declared]


def access_fingerprint() -> str:
    """A digest of `access_sql`: the database keeps the one it installed, to compare."""
    return hashlib.sha256(access_sql().encode()).hexdigest()


def owned_labels(declared: dict[str, Access] | None = None) -> set[str]:
    """The tables that hold users' own data: some rule lets the acting user read rows."""
    declared = declared_access() if declared is None else declared
    return {
        label
        for label, access in declared.items()
        for rule in access.rules
        if "SELECT" in rule.commands and rule.using and "{me}" in rule.using
    }
