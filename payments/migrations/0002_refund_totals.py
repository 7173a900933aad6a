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
BEGIN
    -- Pending refunds reserve their amount; failed ones give it back.
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('pending', 'succeeded') THEN
        UPDATE {PAYMENTS} SET refunded_amount = refunded_amount - OLD.amount
        WHERE id = OLD.payment_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('pending', 'succeeded') THEN
        UPDATE {PAYMENTS} SET refunded_amount = refunded_amount + NEW.amount
        WHERE id = NEW.payment_id AND status = 'succeeded';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'payment % has not succeeded and cannot be refunded', NEW.payment_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_payment_succeeded';
        END IF;
    END IF;
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
