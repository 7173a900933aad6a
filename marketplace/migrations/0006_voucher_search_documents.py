"""Full-text search documents: each voucher's resolved title and description per language.

One row per (voucher, active language) in ``marketplace.voucher_search_documents``: a
weighted ``tsvector`` (title A, description B) under the language's own text search
configuration, GIN-indexed, and the same text under a trigram index for typos. The texts
are resolved through the language's fallback chain (``i18n.language_chain``), so an es-MX
search finds a voucher written only in Spanish.

The database keeps the documents current whoever writes: statement-level triggers (one
refresh per statement, over its transition tables) on vouchers (new vouchers; a changed
key, per row), translations (any change of a text a voucher uses) and languages (a new or removed
language, a changed chain or configuration: every voucher). The trigger functions are
SECURITY DEFINER, because the runtime roles may only read the documents.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import pika.db.bounded
from django.db import migrations, models

FUNCTIONS = """
CREATE FUNCTION i18n.language_chain(language pg_catalog.uuid)
RETURNS TABLE (language_id pg_catalog.uuid, depth pg_catalog.int4)
LANGUAGE sql STABLE ROWS 3 SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE chain (id, fallback, depth, seen) AS (
        SELECT l.id, l.fallback_id, 0, ARRAY[l.id] FROM i18n.languages l WHERE l.id = language
        UNION ALL
        SELECT l.id, l.fallback_id, c.depth + 1, c.seen || l.id
        FROM chain c JOIN i18n.languages l ON l.id = c.fallback
        WHERE NOT l.id = ANY (c.seen)
    )
    SELECT id, depth FROM chain
    UNION ALL
    SELECT l.id, 1000 FROM i18n.languages l
    WHERE l.is_default AND NOT EXISTS (SELECT FROM chain WHERE chain.id = l.id)
$$;
COMMENT ON FUNCTION i18n.language_chain(pg_catalog.uuid) IS
    'A language, its fallbacks in order, then the default language (depth 1000).';

-- jit off: the planner's row guesses for the chains make this look expensive enough to
-- compile, which costs far more (about 0.8 s) than the query itself (a millisecond).
CREATE FUNCTION marketplace.voucher_search_refresh(voucher_ids pg_catalog.uuid[])
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
    DELETE FROM marketplace.voucher_search_documents d WHERE d.voucher_id = ANY (voucher_ids);
    INSERT INTO marketplace.voucher_search_documents (voucher_id, language_id, document, content)
    WITH chains AS (
        SELECT l.id AS language_id, l.search_config::pg_catalog.regconfig AS config,
            c.language_id AS source, c.depth
        FROM i18n.languages l CROSS JOIN LATERAL i18n.language_chain(l.id) c
        WHERE l.is_active
    ),
    texts AS (
        SELECT v.id AS voucher_id, ch.language_id, ch.config,
            (SELECT t.value FROM chains s JOIN i18n.translations t
                ON t.language_id = s.source AND t.key = v.title_key
             WHERE s.language_id = ch.language_id ORDER BY s.depth LIMIT 1) AS title,
            (SELECT t.value FROM chains s JOIN i18n.translations t
                ON t.language_id = s.source AND t.key = v.description_key
             WHERE s.language_id = ch.language_id ORDER BY s.depth LIMIT 1) AS description
        FROM marketplace.vouchers v
        CROSS JOIN (SELECT DISTINCT language_id, config FROM chains) ch
        WHERE v.id = ANY (voucher_ids)
    )
    SELECT voucher_id, language_id,
        pg_catalog.setweight(pg_catalog.to_tsvector(config, coalesce(title, '')), 'A')
            || pg_catalog.setweight(pg_catalog.to_tsvector(config, coalesce(description, '')), 'B'),
        pg_catalog.concat_ws(' ', title, description)
    FROM texts;
END
$$;
COMMENT ON FUNCTION marketplace.voucher_search_refresh(pg_catalog.uuid[]) IS
    'Rebuilds the search documents of these vouchers in every active language.';
REVOKE ALL ON FUNCTION marketplace.voucher_search_refresh(pg_catalog.uuid[]) FROM PUBLIC;

CREATE FUNCTION marketplace.voucher_search_on_voucher() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        PERFORM marketplace.voucher_search_refresh(ARRAY[NEW.id]);
    ELSE
        PERFORM marketplace.voucher_search_refresh(ARRAY(SELECT n.id FROM new_rows n));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION marketplace.voucher_search_on_translation() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    keys pg_catalog.text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        keys := ARRAY(SELECT DISTINCT n.key FROM new_rows n);
    ELSIF TG_OP = 'DELETE' THEN
        keys := ARRAY(SELECT DISTINCT o.key FROM old_rows o);
    ELSE
        keys := ARRAY(
            SELECT n.key FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.key, n.language_id, n.value) IS DISTINCT FROM (o.key, o.language_id, o.value)
            UNION SELECT o.key FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.key, n.language_id, n.value) IS DISTINCT FROM (o.key, o.language_id, o.value)
        );
    END IF;
    IF pg_catalog.cardinality(keys) > 0 THEN
        PERFORM marketplace.voucher_search_refresh(ARRAY(
            SELECT v.id FROM marketplace.vouchers v WHERE v.title_key = ANY (keys)
            UNION SELECT v.id FROM marketplace.vouchers v WHERE v.description_key = ANY (keys)
        ));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION marketplace.voucher_search_on_language() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN  -- (nested: old_rows exists for an UPDATE only)
        IF NOT EXISTS (
            SELECT FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.fallback_id, n.is_default, n.is_active, n.search_config)
                IS DISTINCT FROM (o.fallback_id, o.is_default, o.is_active, o.search_config)
        ) THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM marketplace.voucher_search_refresh(ARRAY(SELECT v.id FROM marketplace.vouchers v));
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION marketplace.voucher_search_on_voucher() FROM PUBLIC;
REVOKE ALL ON FUNCTION marketplace.voucher_search_on_translation() FROM PUBLIC;
REVOKE ALL ON FUNCTION marketplace.voucher_search_on_language() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION i18n.language_chain(pg_catalog.uuid) TO application_role;
"""

TRIGGERS = """
CREATE TRIGGER search_documents_insert AFTER INSERT ON marketplace.vouchers
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace.voucher_search_on_voucher();
-- Per row, and only when a searched key changes: the redemption counters' UPDATEs, the
-- hottest statement of all, never call it.
CREATE TRIGGER search_documents_update AFTER UPDATE OF title_key, description_key
    ON marketplace.vouchers FOR EACH ROW
    WHEN ((OLD.title_key, OLD.description_key) IS DISTINCT FROM (NEW.title_key, NEW.description_key))
    EXECUTE FUNCTION marketplace.voucher_search_on_voucher();
CREATE TRIGGER search_documents_insert AFTER INSERT ON i18n.translations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace.voucher_search_on_translation();
CREATE TRIGGER search_documents_update AFTER UPDATE ON i18n.translations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace.voucher_search_on_translation();
CREATE TRIGGER search_documents_delete AFTER DELETE ON i18n.translations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace.voucher_search_on_translation();
CREATE TRIGGER search_documents_insert AFTER INSERT ON i18n.languages
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace.voucher_search_on_language();
CREATE TRIGGER search_documents_update AFTER UPDATE ON i18n.languages
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace.voucher_search_on_language();
CREATE TRIGGER search_documents_delete AFTER DELETE ON i18n.languages
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace.voucher_search_on_language();
-- Documents for the vouchers already there.
SELECT marketplace.voucher_search_refresh(ARRAY(SELECT v.id FROM marketplace.vouchers v));
"""

DROP = """
DROP TRIGGER search_documents_insert ON marketplace.vouchers;
DROP TRIGGER search_documents_update ON marketplace.vouchers;
DROP TRIGGER search_documents_insert ON i18n.translations;
DROP TRIGGER search_documents_update ON i18n.translations;
DROP TRIGGER search_documents_delete ON i18n.translations;
DROP TRIGGER search_documents_insert ON i18n.languages;
DROP TRIGGER search_documents_update ON i18n.languages;
DROP TRIGGER search_documents_delete ON i18n.languages;
DROP FUNCTION marketplace.voucher_search_on_voucher();
DROP FUNCTION marketplace.voucher_search_on_translation();
DROP FUNCTION marketplace.voucher_search_on_language();
DROP FUNCTION marketplace.voucher_search_refresh(pg_catalog.uuid[]);
DROP FUNCTION i18n.language_chain(pg_catalog.uuid);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("i18n", "0005_language_search_config"),
        ("marketplace", "0005_voucher_currency_and_keys"),
        ("pika", "0003_pg_trgm"),
    ]

    operations = [
        migrations.CreateModel(
            name='VoucherSearchDocument',
            fields=[
                ('pk', models.CompositePrimaryKey('voucher', 'language', blank=True, editable=False, primary_key=True, serialize=False)),
                ('voucher', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='search_documents', to='marketplace.voucher')),
                ('language', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='i18n.language')),
                ('document', django.contrib.postgres.search.SearchVectorField()),
                ('content', pika.db.bounded.BoundedTextField(max_length=20001)),
            ],
            options={
                'db_table': '"marketplace"."voucher_search_documents"',
            },
        ),
        migrations.AddIndex(
            model_name='vouchersearchdocument',
            index=django.contrib.postgres.indexes.GinIndex(fields=['document'], name='voucher_search_document_gin'),
        ),
        migrations.AddIndex(
            model_name='vouchersearchdocument',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass('content', name='gin_trgm_ops'), name='voucher_search_content_trgm'),
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGERS, reverse_sql=DROP),
    ]
