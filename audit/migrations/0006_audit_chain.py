"""The chain that seals audit log rows: appended by ``manage.py seal_audit_log`` alone.

One row per sealed audit log row, in sealing order: its position, the log row's id and the
chain hash up to it (audit/chain.py). No foreign key to the log: a deleted log row must
show up as a hole when verifying, not be refused or cascade. Owner-only and append-only
(the log's own trigger refuses UPDATE to everyone and DELETE to all but the owner). No
Django model: only audit/services.py and audit/selectors.py read and write it, in SQL.
"""

from django.db import migrations

from pika.db.tables import schema_table

AUDIT_CHAIN = schema_table("audit", "audit_chain")

FORWARD = f"""
CREATE TABLE {AUDIT_CHAIN} (
    position bigint PRIMARY KEY CONSTRAINT audit_chain_position_positive CHECK (position > 0),
    log_id uuid NOT NULL CONSTRAINT audit_chain_log_id_key UNIQUE,
    chain_hash bytea NOT NULL
        CONSTRAINT audit_chain_hash_sha256 CHECK (octet_length(chain_hash) = 32),
    sealed_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE {AUDIT_CHAIN} IS
    'Sealed audit log rows in chain order: manage.py seal_audit_log appends, verify_audit_log checks.';
REVOKE ALL ON {AUDIT_CHAIN} FROM PUBLIC, application_role;
ALTER TABLE {AUDIT_CHAIN} ENABLE ROW LEVEL SECURITY;
ALTER TABLE {AUDIT_CHAIN} FORCE ROW LEVEL SECURITY;
CREATE TRIGGER audit_chain_append_only
BEFORE UPDATE OR DELETE ON {AUDIT_CHAIN}
FOR EACH ROW EXECUTE FUNCTION audit.refuse_rewrite();
CREATE TRIGGER audit_chain_no_truncate
BEFORE TRUNCATE ON {AUDIT_CHAIN}
FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_rewrite();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_audit_privileges_and_history_stamp"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, reverse_sql=f"DROP TABLE {AUDIT_CHAIN};"),
    ]
