"""Keep payments.refunded_amount equal to the refunds that count, in the database itself.

With the check payments_refunds_within_amount this makes over-refunding impossible for
every writer, and the UPDATE of the payment row serialises concurrent refunds of it.
"""

from django.db import migrations

from pika.db.tables import schema_table

PAYMENTS = schema_table("payments", "payments")
REFUNDS = schema_table("payments", "refunds")

FORWARD = f"""
CREATE FUNCTION payments.refunds_keep_payment_total() RETURNS trigger
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
    -- Recompute rather than add, so that rewriting rows (loaddata, repairs) stays right.
    -- Locking the payment first serialises its refunds, and the sum, a new statement,
    -- then sees every refund committed before the lock was granted.
    FOR affected_payment IN
        SELECT DISTINCT affected.id FROM (
            SELECT NEW.payment_id WHERE TG_OP <> 'DELETE'
            UNION ALL SELECT OLD.payment_id WHERE TG_OP <> 'INSERT'
        ) AS affected(id)
    LOOP
        PERFORM FROM {PAYMENTS} WHERE id = affected_payment FOR UPDATE;
        -- Pending refunds reserve their amount; failed ones give it back.
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

CREATE TRIGGER refunds_keep_payment_total
AFTER INSERT OR DELETE OR UPDATE OF amount, status, payment_id ON {REFUNDS}
FOR EACH ROW EXECUTE FUNCTION payments.refunds_keep_payment_total();
"""

BACKWARD = f"""
DROP TRIGGER IF EXISTS refunds_keep_payment_total ON {REFUNDS};
DROP FUNCTION IF EXISTS payments.refunds_keep_payment_total();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, reverse_sql=BACKWARD),
    ]
