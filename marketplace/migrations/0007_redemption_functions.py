"""What a live voucher is, and redemption as the database's own operation.

``marketplace.voucher_is_live`` is the one definition of a live (redeemable, listable)
voucher: published and inside its validity window, whatever a scheduled job has or has not
done to its state yet. It is plain SQL that the planner inlines, so queries that call it
keep using the vouchers' indexes; ``marketplace.selectors`` and the functions below call it.

``marketplace.voucher_redeem`` and ``marketplace.redemption_reverse`` are the only writers of
the redemption counters (the column guards refuse them to everyone else). They run as the
owner (SECURITY DEFINER) for the user the web process vouched for
(``security.current_user_id()``), and refuse with ``RAISE`` whose message is a stable error
code (``voucher_sold_out``) and whose detail is for people. Concurrency:

- every redemption and reversal of one voucher locks its row first (``FOR UPDATE``), so the
  limit checks and the counters see every earlier redemption: no oversell;
- a user's retries with one idempotency key take an advisory lock on (user, key) before
  anything else, so a retry racing the first attempt waits for it and returns its result.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE FUNCTION marketplace.voucher_is_live(
    state pg_catalog.varchar, valid_from pg_catalog.timestamptz, expires_at pg_catalog.timestamptz
) RETURNS pg_catalog.bool
LANGUAGE sql STABLE AS $$
    SELECT state = 'published' AND valid_from <= pg_catalog.now() AND expires_at > pg_catalog.now()
$$;
COMMENT ON FUNCTION marketplace.voucher_is_live(pg_catalog.varchar, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
    'Whether a voucher is live: published and inside its validity window.';
GRANT EXECUTE ON FUNCTION marketplace.voucher_is_live(pg_catalog.varchar, pg_catalog.timestamptz, pg_catalog.timestamptz) TO application_role;

CREATE FUNCTION marketplace.refuse(code pg_catalog.text, detail pg_catalog.text)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = code, DETAIL = detail;
END
$$;
REVOKE ALL ON FUNCTION marketplace.refuse(pg_catalog.text, pg_catalog.text) FROM PUBLIC;

CREATE FUNCTION marketplace.voucher_redeem(
    voucher pg_catalog.uuid,
    code pg_catalog.text,
    idempotency_key pg_catalog.text,
    location public.geography DEFAULT NULL,
    OUT redemption_id pg_catalog.uuid,
    OUT replayed pg_catalog.bool
)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me pg_catalog.uuid := security.current_user_id();
    v record;
    c record;
    code_id pg_catalog.uuid;
    previous record;
    taken pg_catalog.int4;
BEGIN
    IF me IS NULL THEN
        PERFORM marketplace.refuse('not_authenticated', 'Redeeming needs a signed-in user.');
    END IF;
    IF coalesce(pg_catalog.length(idempotency_key), 0) NOT BETWEEN 1 AND 255 THEN
        PERFORM marketplace.refuse('idempotency_key_invalid',
            'The idempotency key must have 1 to 255 characters.');
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtextextended(me::pg_catalog.text || E'\n' || idempotency_key, 0));
    SELECT r.id, r.voucher_id, k.code INTO previous
    FROM marketplace.redemptions r LEFT JOIN marketplace.voucher_codes k ON k.id = r.code_id
    WHERE r.user_id = me AND r.idempotency_key = voucher_redeem.idempotency_key;
    IF FOUND THEN
        IF previous.voucher_id <> voucher
            OR previous.code IS DISTINCT FROM pg_catalog.upper(nullif(voucher_redeem.code, ''))
        THEN
            PERFORM marketplace.refuse('idempotency_key_reused',
                'This idempotency key was used for another redemption.');
        END IF;
        redemption_id := previous.id;
        replayed := true;
        RETURN;
    END IF;

    SELECT x.id, x.state, x.valid_from, x.expires_at, x.max_redemptions, x.max_per_user,
        x.current_redemptions, b.is_active AS business_active
    INTO v
    FROM marketplace.vouchers x JOIN business.businesses b ON b.id = x.business_id
    WHERE x.id = voucher
    FOR UPDATE OF x;
    IF NOT FOUND THEN
        PERFORM marketplace.refuse('not_found', 'No such voucher.');
    END IF;
    IF v.state <> 'published' OR NOT v.business_active THEN
        PERFORM marketplace.refuse('voucher_not_live', 'This voucher is not on offer.');
    END IF;
    IF v.valid_from > pg_catalog.now() THEN
        PERFORM marketplace.refuse('voucher_not_yet_valid', 'This voucher is not valid yet.');
    END IF;
    IF NOT marketplace.voucher_is_live(v.state, v.valid_from, v.expires_at) THEN
        PERFORM marketplace.refuse('voucher_expired', 'This voucher has expired.');
    END IF;
    IF v.max_redemptions IS NOT NULL AND v.current_redemptions >= v.max_redemptions THEN
        PERFORM marketplace.refuse('voucher_sold_out', 'This voucher has no redemptions left.');
    END IF;
    SELECT pg_catalog.count(*) INTO taken FROM marketplace.redemptions r
    WHERE r.voucher_id = v.id AND r.user_id = me AND r.status = 'redeemed';
    IF taken >= v.max_per_user THEN
        PERFORM marketplace.refuse('per_user_limit_reached',
            'You have redeemed this voucher as many times as it allows.');
    END IF;

    IF nullif(voucher_redeem.code, '') IS NOT NULL THEN
        SELECT k.id, k.is_single_use, k.redemption_count INTO c
        FROM marketplace.voucher_codes k
        WHERE k.code = pg_catalog.upper(voucher_redeem.code) AND k.voucher_id = v.id
        FOR UPDATE;
        IF NOT FOUND THEN
            PERFORM marketplace.refuse('code_not_found', 'This voucher has no such code.');
        END IF;
        IF c.is_single_use AND c.redemption_count > 0 THEN
            PERFORM marketplace.refuse('code_already_used', 'This code has been used.');
        END IF;
        UPDATE marketplace.voucher_codes SET redemption_count = redemption_count + 1
        WHERE id = c.id;
        code_id := c.id;
    END IF;
    UPDATE marketplace.vouchers SET current_redemptions = current_redemptions + 1
    WHERE id = v.id;
    INSERT INTO marketplace.redemptions (id, voucher_id, code_id, user_id, location, idempotency_key)
    VALUES (public.uuid_generate_v7(), v.id, code_id, me, location, voucher_redeem.idempotency_key)
    RETURNING id INTO redemption_id;
    replayed := false;
END
$$;
COMMENT ON FUNCTION marketplace.voucher_redeem(pg_catalog.uuid, pg_catalog.text, pg_catalog.text, public.geography) IS
    'Redeems a live voucher (optionally one of its codes) for the vouched user, idempotently.';
REVOKE ALL ON FUNCTION marketplace.voucher_redeem(pg_catalog.uuid, pg_catalog.text, pg_catalog.text, public.geography) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION marketplace.voucher_redeem(pg_catalog.uuid, pg_catalog.text, pg_catalog.text, public.geography) TO application_role;

CREATE FUNCTION marketplace.redemption_reverse(redemption pg_catalog.uuid)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me pg_catalog.uuid := security.current_user_id();
    target record;
BEGIN
    SELECT r.voucher_id, r.user_id, x.business_id INTO target
    FROM marketplace.redemptions r JOIN marketplace.vouchers x ON x.id = r.voucher_id
    WHERE r.id = redemption;
    IF NOT FOUND OR me IS NULL THEN
        PERFORM marketplace.refuse('not_found', 'No such redemption.');
    END IF;
    IF NOT (security.is_business_staff(target.business_id, '{owner,manager}')
            OR security.has_perm('marketplace.change_redemption')) THEN
        IF target.user_id = me THEN
            PERFORM marketplace.refuse('permission_denied',
                'Only the business''s staff may reverse a redemption.');
        END IF;
        PERFORM marketplace.refuse('not_found', 'No such redemption.');
    END IF;
    -- The voucher first, as redeeming does: one lock order for every writer.
    PERFORM FROM marketplace.vouchers x WHERE x.id = target.voucher_id FOR UPDATE;
    SELECT r.id, r.status, r.code_id INTO target
    FROM marketplace.redemptions r WHERE r.id = redemption FOR UPDATE;
    IF target.status <> 'redeemed' THEN
        PERFORM marketplace.refuse('redemption_already_reversed',
            'This redemption has been reversed already.');
    END IF;
    UPDATE marketplace.redemptions SET status = 'reversed', reversed_at = pg_catalog.now()
    WHERE id = redemption;
    UPDATE marketplace.vouchers x SET current_redemptions = x.current_redemptions - 1
    FROM marketplace.redemptions r WHERE r.id = redemption AND x.id = r.voucher_id;
    IF target.code_id IS NOT NULL THEN
        UPDATE marketplace.voucher_codes SET redemption_count = redemption_count - 1
        WHERE id = target.code_id;
    END IF;
END
$$;
COMMENT ON FUNCTION marketplace.redemption_reverse(pg_catalog.uuid) IS
    'Reverses a redemption once, giving its slot back; for the business''s staff.';
REVOKE ALL ON FUNCTION marketplace.redemption_reverse(pg_catalog.uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION marketplace.redemption_reverse(pg_catalog.uuid) TO application_role;
"""

DROP = """
DROP FUNCTION marketplace.redemption_reverse(pg_catalog.uuid);
DROP FUNCTION marketplace.voucher_redeem(pg_catalog.uuid, pg_catalog.text, pg_catalog.text, public.geography);
DROP FUNCTION marketplace.refuse(pg_catalog.text, pg_catalog.text);
DROP FUNCTION marketplace.voucher_is_live(pg_catalog.varchar, pg_catalog.timestamptz, pg_catalog.timestamptz);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0006_voucher_search_documents"),
        ("security", "0005_least_privilege"),
    ]

    operations = [migrations.RunSQL(FUNCTIONS, reverse_sql=DROP)]
