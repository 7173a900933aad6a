"""The refund totals trigger function pins its search_path and is not executable by PUBLIC.

It runs as whoever writes a refund; a temporary table or type named like one it uses must
not stand in for it. Every table, type and function it uses is schema-qualified.
"""

from django.db import migrations

from pika.db.tables import schema_table

PAYMENTS = schema_table("payments", "payments")
REFUNDS = schema_table("payments", "refunds")

BODY = f"""
DECLARE
    affected_payment pg_catalog.uuid;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('pending', 'succeeded') THEN
        PERFORM FROM {PAYMENTS} p WHERE p.id = NEW.payment_id AND p.status = 'succeeded';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'payment % has not succeeded and cannot be refunded', NEW.payment_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_payment_succeeded';
        END IF;
    END IF;
    -- Recompute rather than add, so that rewriting rows (loaddata, repairs) stays right.
    -- Locking the payment first serialises its refunds, and the sum, a new statement,
    -- then sees every refund committed before the lock was granted.
    FOR affected_payment IN
        SELECT DISTINCT affected.id FROM (
            SELECT NEW.payment_id WHERE TG_OP <> 'DELETE'
            UNION ALL SELECT OLD.payment_id WHERE TG_OP <> 'INSERT'
        ) AS affected(id)
    LOOP
        PERFORM FROM {PAYMENTS} p WHERE p.id = affected_payment FOR UPDATE;
        -- Pending refunds reserve their amount; failed ones give it back.
        UPDATE {PAYMENTS} SET refunded_amount = (
            SELECT coalesce(pg_catalog.sum(r.amount), 0) FROM {REFUNDS} r
            WHERE r.payment_id = affected_payment AND r.status IN ('pending', 'succeeded')
        )
        WHERE id = affected_payment;
    END LOOP;
    RETURN NULL;
END
"""

FORWARD = f"""
CREATE OR REPLACE FUNCTION payments.refunds_keep_payment_total() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $${BODY}$$;
REVOKE ALL ON FUNCTION payments.refunds_keep_payment_total() FROM PUBLIC;
"""

# Frozen copy of the function as payments.0002 installed it.
BACKWARD = f"""
CREATE OR REPLACE FUNCTION payments.refunds_keep_payment_total() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    affected_payment uuid;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('pending', 'succeeded') THEN
        PERFORM FROM {PAYMENTS} WHERE id = NEW.payment_id AND status = 'succeeded';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'payment % has not succeeded and cannot be refunded', NEW.payment_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_payment_succeeded';
        END IF;
    END IF;
    FOR affected_payment IN
        SELECT DISTINCT affected.id FROM (
            SELECT NEW.payment_id WHERE TG_OP <> 'DELETE'
            UNION ALL SELECT OLD.payment_id WHERE TG_OP <> 'INSERT'
        ) AS affected(id)
    LOOP
        PERFORM FROM {PAYMENTS} WHERE id = affected_payment FOR UPDATE;
        UPDATE {PAYMENTS} SET refunded_amount = (
            SELECT coalesce(sum(amount), 0) FROM {REFUNDS}
            WHERE {REFUNDS}.payment_id = affected_payment
                AND status IN ('pending', 'succeeded')
        )
        WHERE id = affected_payment;
    END LOOP;
    RETURN NULL;
END
$$;
ALTER FUNCTION payments.refunds_keep_payment_total() RESET search_path;
GRANT EXECUTE ON FUNCTION payments.refunds_keep_payment_total() TO PUBLIC;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_named_indexes"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, reverse_sql=BACKWARD),
    ]
