"""Redemption counts without a hot row: each voucher's capacity in slices.

Every redemption of a voucher used to update its row (``current_redemptions``) under that
row's lock, so a hot voucher's redemptions queued for one row, whatever the database's size:
throughput fell as clients were added. Now a voucher's capacity lives in
``marketplace.voucher_redemption_slices`` and the vouchers table holds no counter:

- a voucher starts with one slice holding all of ``max_redemptions`` (NULL: no limit);
- taking room locks a slice that has some and that nobody holds (``FOR UPDATE SKIP
  LOCKED``); when every such slice is held, the caller waits for one and splits it, giving
  half its room to a new slice (slice ``s`` of depth ``d`` splits into ``s`` and
  ``s + 2^d``, at most 16 slices), so that the next redemptions find a free one;
- triggers on the ledger (``marketplace.redemptions``) take and give back room, whoever
  writes: the redemption function, a reversal, a bulk load, a fixture. The sum of the
  slices is always the ledger's live redemptions, and no slice holds more than its capacity:
  no oversell;
- changing a voucher's maximum gathers its slices back into one, under every slice's lock
  and an advisory lock that no split runs without, and is refused below the redemptions
  it has (``voucher_max_below_redemptions``).

``marketplace.voucher_redeem`` no longer locks the voucher's row: it reads it, takes an
advisory lock on (user, voucher) so that one user's racing redemptions still meet the
per-user limit, and inserts into the ledger (whose trigger refuses a sold-out voucher) and
the redemption's analytics event, which the service wrote in a transaction of its own. Reversal takes the code's lock before the slice's, the order redemption takes them.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

# The functions as marketplace.0007 made them, to go back to.
BEFORE = importlib.import_module("marketplace.migrations.0007_redemption_functions").FUNCTIONS
BEFORE = BEFORE[BEFORE.index("CREATE FUNCTION marketplace.voucher_redeem(") :].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
)

# Advisory locks of the two-key form (apart from the one-key idempotency locks): class 1 is
# a (user, voucher) pair, class 2 a voucher's slice layout.
SLICES = r"""
ALTER TABLE marketplace.voucher_redemption_slices
    ADD CONSTRAINT voucher_redemption_slices_voucher_fk FOREIGN KEY (voucher_id)
    REFERENCES marketplace.vouchers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
INSERT INTO marketplace.voucher_redemption_slices (voucher_id, slice, depth, capacity, taken)
SELECT id, 0, 0, max_redemptions, current_redemptions FROM marketplace.vouchers;

CREATE FUNCTION marketplace.slices_take(voucher pg_catalog.uuid, wanted pg_catalog.int4)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s record;
    pick pg_catalog.int2;
    half pg_catalog.int4;
    left_over pg_catalog.int4 := wanted;
    step pg_catalog.int4;
BEGIN
    IF wanted > 1 THEN
        -- A bulk write (a load, a batch): every slice, in one lock order, filled in turn.
        FOR s IN SELECT f.slice, f.capacity, f.taken FROM marketplace.voucher_redemption_slices f
                 WHERE f.voucher_id = voucher ORDER BY f.slice FOR UPDATE LOOP
            EXIT WHEN left_over = 0;
            step := CASE WHEN s.capacity IS NULL THEN left_over
                         ELSE pg_catalog.int4smaller(left_over, s.capacity - s.taken) END;
            IF step > 0 THEN
                UPDATE marketplace.voucher_redemption_slices f SET taken = f.taken + step
                WHERE f.voucher_id = voucher AND f.slice = s.slice;
                left_over := left_over - step;
            END IF;
        END LOOP;
        IF left_over > 0 THEN
            PERFORM marketplace.refuse('voucher_sold_out', 'This voucher has no redemptions left.');
        END IF;
        RETURN;
    END IF;
    -- A row that fills up while this waits for its lock stays locked, though not taken,
    -- until the (sub)transaction ends. Each attempt is a subtransaction that rolls back when
    -- it took nothing, so that nobody waits for a slice while holding another: without
    -- that, two redemptions can each hold a full slice the other waits for (a deadlock).
    LOOP
        BEGIN
            -- Room in a slice nobody holds: concurrent redemptions spread over the slices.
            UPDATE marketplace.voucher_redemption_slices t SET taken = t.taken + 1
            WHERE t.voucher_id = voucher AND (t.capacity IS NULL OR t.taken < t.capacity)
                AND t.slice = (
                    SELECT f.slice FROM marketplace.voucher_redemption_slices f
                    WHERE f.voucher_id = voucher AND (f.capacity IS NULL OR f.taken < f.capacity)
                    ORDER BY pg_catalog.random() LIMIT 1 FOR UPDATE SKIP LOCKED);
            IF FOUND THEN
                RETURN;
            END IF;
            RAISE EXCEPTION USING ERRCODE = 'PKRTY', MESSAGE = 'no free slice';
        EXCEPTION WHEN SQLSTATE 'PKRTY' THEN
            NULL;
        END;
        SELECT f.slice INTO pick FROM marketplace.voucher_redemption_slices f
        WHERE f.voucher_id = voucher AND (f.capacity IS NULL OR f.taken < f.capacity)
        ORDER BY pg_catalog.random() LIMIT 1;
        IF NOT FOUND THEN
            PERFORM marketplace.refuse('voucher_sold_out', 'This voucher has no redemptions left.');
        END IF;
        BEGIN
            -- Every slice with room is held: wait for one, and split it (when no other split
            -- is under way) so that the next redemptions find a free slice.
            SELECT f.slice, f.depth, f.capacity, f.taken INTO s
            FROM marketplace.voucher_redemption_slices f
            WHERE f.voucher_id = voucher AND f.slice = pick
                AND (f.capacity IS NULL OR f.taken < f.capacity)
            FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION USING ERRCODE = 'PKRTY', MESSAGE = 'the slice filled up';
            END IF;
            IF s.depth < 4 AND (s.capacity IS NULL OR s.capacity - s.taken >= 2)
                AND pg_catalog.pg_try_advisory_xact_lock(2, pg_catalog.hashtext(voucher::pg_catalog.text))
            THEN
                half := (s.capacity - s.taken) / 2;
                INSERT INTO marketplace.voucher_redemption_slices (voucher_id, slice, depth, capacity, taken)
                VALUES (voucher, s.slice + (1 << s.depth), s.depth + 1, half, 0);
                UPDATE marketplace.voucher_redemption_slices f
                SET depth = s.depth + 1, capacity = s.capacity - half, taken = f.taken + 1
                WHERE f.voucher_id = voucher AND f.slice = s.slice;
            ELSE
                UPDATE marketplace.voucher_redemption_slices f SET taken = f.taken + 1
                WHERE f.voucher_id = voucher AND f.slice = s.slice;
            END IF;
            RETURN;
        EXCEPTION WHEN SQLSTATE 'PKRTY' THEN
            NULL;
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION marketplace.slices_take(pg_catalog.uuid, pg_catalog.int4) IS
    'Takes room for redemptions in a voucher''s slices, splitting a contended one; refuses a sold-out voucher.';
REVOKE ALL ON FUNCTION marketplace.slices_take(pg_catalog.uuid, pg_catalog.int4) FROM PUBLIC;

CREATE FUNCTION marketplace.slices_give(voucher pg_catalog.uuid, given pg_catalog.int4)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s record;
    left_over pg_catalog.int4 := given;
    step pg_catalog.int4;
BEGIN
    IF given = 1 THEN
        -- A subtransaction, as in slices_take: a slice emptied meanwhile stays locked by a
        -- failed attempt, and the ordered pass below must not start out of order.
        BEGIN
            UPDATE marketplace.voucher_redemption_slices t SET taken = t.taken - 1
            WHERE t.voucher_id = voucher AND t.taken > 0 AND t.slice = (
                SELECT f.slice FROM marketplace.voucher_redemption_slices f
                WHERE f.voucher_id = voucher AND f.taken > 0
                ORDER BY pg_catalog.random() LIMIT 1 FOR UPDATE SKIP LOCKED);
            IF FOUND THEN
                RETURN;
            END IF;
            RAISE EXCEPTION USING ERRCODE = 'PKRTY', MESSAGE = 'no free slice';
        EXCEPTION WHEN SQLSTATE 'PKRTY' THEN
            NULL;
        END;
    END IF;
    FOR s IN SELECT f.slice, f.taken FROM marketplace.voucher_redemption_slices f
             WHERE f.voucher_id = voucher AND f.taken > 0 ORDER BY f.slice FOR UPDATE LOOP
        EXIT WHEN left_over = 0;
        step := pg_catalog.int4smaller(left_over, s.taken);
        UPDATE marketplace.voucher_redemption_slices f SET taken = f.taken - step
        WHERE f.voucher_id = voucher AND f.slice = s.slice;
        left_over := left_over - step;
    END LOOP;
    IF left_over > 0 THEN
        RAISE EXCEPTION 'voucher % has fewer redemptions in its slices than its ledger gives back', voucher;
    END IF;
END
$$;
COMMENT ON FUNCTION marketplace.slices_give(pg_catalog.uuid, pg_catalog.int4) IS
    'Gives room back to a voucher''s slices (a reversal, a deleted redemption).';
REVOKE ALL ON FUNCTION marketplace.slices_give(pg_catalog.uuid, pg_catalog.int4) FROM PUBLIC;

CREATE FUNCTION marketplace.redemptions_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v record;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.status = 'redeemed' THEN
            PERFORM marketplace.slices_give(OLD.voucher_id, 1);
        END IF;
        IF NEW.status = 'redeemed' THEN
            PERFORM marketplace.slices_take(NEW.voucher_id, 1);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        FOR v IN SELECT r.voucher_id, pg_catalog.count(*)::pg_catalog.int4 AS n FROM new_rows r
                 WHERE r.status = 'redeemed' GROUP BY r.voucher_id ORDER BY r.voucher_id LOOP
            PERFORM marketplace.slices_take(v.voucher_id, v.n);
        END LOOP;
    ELSE
        FOR v IN SELECT r.voucher_id, pg_catalog.count(*)::pg_catalog.int4 AS n FROM old_rows r
                 WHERE r.status = 'redeemed' GROUP BY r.voucher_id ORDER BY r.voucher_id LOOP
            PERFORM marketplace.slices_give(v.voucher_id, v.n);
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION marketplace.redemptions_count() IS
    'Keeps the vouchers'' redemption slices in step with the ledger, whoever writes it.';
REVOKE ALL ON FUNCTION marketplace.redemptions_count() FROM PUBLIC;
CREATE TRIGGER redemptions_count_insert AFTER INSERT ON marketplace.redemptions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace.redemptions_count();
CREATE TRIGGER redemptions_count_delete AFTER DELETE ON marketplace.redemptions
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace.redemptions_count();
CREATE TRIGGER redemptions_count_update AFTER UPDATE OF status, voucher_id ON marketplace.redemptions
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.voucher_id IS DISTINCT FROM NEW.voucher_id)
    EXECUTE FUNCTION marketplace.redemptions_count();

CREATE FUNCTION marketplace.voucher_slices_start() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO marketplace.voucher_redemption_slices (voucher_id, slice, depth, capacity, taken)
    SELECT n.id, 0, 0, n.max_redemptions, 0 FROM new_rows n;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION marketplace.voucher_slices_start() IS
    'Gives new vouchers one redemption slice holding their whole capacity.';
REVOKE ALL ON FUNCTION marketplace.voucher_slices_start() FROM PUBLIC;
CREATE TRIGGER voucher_slices_start AFTER INSERT ON marketplace.vouchers
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace.voucher_slices_start();

CREATE FUNCTION marketplace.voucher_slices_resize() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    total pg_catalog.int4;
BEGIN
    -- No split under way (a split holds this lock to its commit), then every slice held:
    -- the sum read next counts every redemption, committed or waiting.
    PERFORM pg_catalog.pg_advisory_xact_lock(2, pg_catalog.hashtext(NEW.id::pg_catalog.text));
    PERFORM FROM marketplace.voucher_redemption_slices f
    WHERE f.voucher_id = NEW.id ORDER BY f.slice FOR UPDATE;
    SELECT coalesce(pg_catalog.sum(f.taken), 0) INTO total
    FROM marketplace.voucher_redemption_slices f WHERE f.voucher_id = NEW.id;
    IF NEW.max_redemptions IS NOT NULL AND total > NEW.max_redemptions THEN
        PERFORM marketplace.refuse('voucher_max_below_redemptions', pg_catalog.format(
            'This voucher has %s redemptions already; its maximum cannot be lower.', total));
    END IF;
    DELETE FROM marketplace.voucher_redemption_slices f WHERE f.voucher_id = NEW.id;
    INSERT INTO marketplace.voucher_redemption_slices (voucher_id, slice, depth, capacity, taken)
    VALUES (NEW.id, 0, 0, NEW.max_redemptions, total);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION marketplace.voucher_slices_resize() IS
    'Gathers a voucher''s slices into one holding its new maximum; refuses one below its redemptions.';
REVOKE ALL ON FUNCTION marketplace.voucher_slices_resize() FROM PUBLIC;
CREATE TRIGGER voucher_slices_resize AFTER UPDATE OF max_redemptions ON marketplace.vouchers
    FOR EACH ROW WHEN (OLD.max_redemptions IS DISTINCT FROM NEW.max_redemptions)
    EXECUTE FUNCTION marketplace.voucher_slices_resize();

CREATE OR REPLACE FUNCTION marketplace.voucher_redeem(
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

    -- Read, not locked: the ledger's trigger takes the room under a slice's lock.
    SELECT x.id, x.state, x.valid_from, x.expires_at, x.max_per_user, x.business_id,
        b.is_active AS business_active
    INTO v
    FROM marketplace.vouchers x JOIN business.businesses b ON b.id = x.business_id
    WHERE x.id = voucher;
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
    IF NOT EXISTS (SELECT FROM marketplace.voucher_redemption_slices f
                   WHERE f.voucher_id = v.id AND (f.capacity IS NULL OR f.taken < f.capacity)) THEN
        PERFORM marketplace.refuse('voucher_sold_out', 'This voucher has no redemptions left.');
    END IF;
    -- One user's racing redemptions of one voucher count each other's.
    PERFORM pg_catalog.pg_advisory_xact_lock(1, pg_catalog.hashtext(me::pg_catalog.text || v.id::pg_catalog.text));
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
    INSERT INTO marketplace.redemptions (id, voucher_id, code_id, user_id, location, idempotency_key)
    VALUES (public.uuid_generate_v7(), v.id, code_id, me, location, voucher_redeem.idempotency_key)
    RETURNING id INTO redemption_id;
    -- Its analytics event, in the same transaction: both or neither, in no extra round trip.
    INSERT INTO analytics.events (id, kind, occurred_at, user_id, voucher_id, business_id)
    VALUES (public.uuid_generate_v7(), 'voucher_redeemed', pg_catalog.now(), me, v.id, v.business_id);
    replayed := false;
END
$$;

CREATE OR REPLACE FUNCTION marketplace.redemption_reverse(redemption pg_catalog.uuid)
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
    SELECT r.id, r.status, r.code_id INTO target
    FROM marketplace.redemptions r WHERE r.id = redemption FOR UPDATE;
    IF target.status <> 'redeemed' THEN
        PERFORM marketplace.refuse('redemption_already_reversed',
            'This redemption has been reversed already.');
    END IF;
    -- The code before the slice (the ledger's trigger): the order redeeming takes them in.
    IF target.code_id IS NOT NULL THEN
        UPDATE marketplace.voucher_codes SET redemption_count = redemption_count - 1
        WHERE id = target.code_id;
    END IF;
    UPDATE marketplace.redemptions SET status = 'reversed', reversed_at = pg_catalog.now()
    WHERE id = redemption;
END
$$;
"""

UNSLICED = (
    r"""
UPDATE marketplace.vouchers x SET current_redemptions = s.total
FROM (SELECT voucher_id, pg_catalog.sum(taken)::pg_catalog.int4 AS total
      FROM marketplace.voucher_redemption_slices GROUP BY voucher_id) s
WHERE s.voucher_id = x.id AND s.total <> 0;
DROP TRIGGER voucher_slices_resize ON marketplace.vouchers;
DROP TRIGGER voucher_slices_start ON marketplace.vouchers;
DROP TRIGGER redemptions_count_update ON marketplace.redemptions;
DROP TRIGGER redemptions_count_delete ON marketplace.redemptions;
DROP TRIGGER redemptions_count_insert ON marketplace.redemptions;
DROP FUNCTION marketplace.voucher_slices_resize();
DROP FUNCTION marketplace.voucher_slices_start();
DROP FUNCTION marketplace.redemptions_count();
DROP FUNCTION marketplace.slices_give(pg_catalog.uuid, pg_catalog.int4);
DROP FUNCTION marketplace.slices_take(pg_catalog.uuid, pg_catalog.int4);
ALTER TABLE marketplace.voucher_redemption_slices DROP CONSTRAINT voucher_redemption_slices_voucher_fk;
"""
    + BEFORE
)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_named_indexes"),
        ("marketplace", "0009_search_documents_cascade_in_database"),
    ]

    operations = [
        migrations.CreateModel(
            name="VoucherRedemptionSlice",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "voucher",
                        "slice",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "voucher",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="redemption_slices",
                        to="marketplace.voucher",
                    ),
                ),
                ("slice", models.SmallIntegerField()),
                ("depth", models.SmallIntegerField(db_default=0, default=0)),
                (
                    "capacity",
                    models.IntegerField(blank=True, help_text="Empty for no limit.", null=True),
                ),
                ("taken", models.IntegerField(db_default=0, default=0)),
            ],
            options={
                "db_table": '"marketplace"."voucher_redemption_slices"',
            },
        ),
        migrations.AddConstraint(
            model_name="voucherredemptionslice",
            constraint=models.CheckConstraint(
                condition=models.Q(("taken__gte", 0)), name="voucher_slices_taken_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="voucherredemptionslice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("capacity__isnull", True),
                    ("taken__lte", models.F("capacity")),
                    _connector="OR",
                ),
                name="voucher_slices_taken_within_capacity",
            ),
        ),
        migrations.AddConstraint(
            model_name="voucherredemptionslice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("depth__gte", 0), ("depth__lte", 4), ("slice__gte", 0), ("slice__lt", 16)
                ),
                name="voucher_slices_shape",
            ),
        ),
        migrations.RunSQL(SLICES, reverse_sql=UNSLICED),
        migrations.RemoveConstraint(
            model_name="voucher",
            name="vouchers_redemptions_not_negative",
        ),
        migrations.RemoveConstraint(
            model_name="voucher",
            name="vouchers_redemptions_within_max",
        ),
        migrations.RemoveField(
            model_name="voucher",
            name="current_redemptions",
        ),
    ]
