"""The daily aggregate of analytics events, as a materialized view.

Its unique index lets `manage.py refresh_analytics` refresh it CONCURRENTLY, so readers
never wait for a refresh.
"""

from django.db import migrations

from pika.db.tables import schema_table

EVENTS = schema_table("analytics", "events")
VIEW = schema_table("analytics", "daily_voucher_stats")

FORWARD = f"""
CREATE MATERIALIZED VIEW {VIEW} AS
SELECT
    md5(day::text || business_id::text || voucher_id::text)::uuid AS id,
    day, business_id, voucher_id, views, claims, redemptions
FROM (
    SELECT
        (occurred_at AT TIME ZONE 'UTC')::date AS day,
        business_id,
        voucher_id,
        count(*) FILTER (WHERE kind = 'voucher_viewed')::integer AS views,
        count(*) FILTER (WHERE kind = 'voucher_claimed')::integer AS claims,
        count(*) FILTER (WHERE kind = 'voucher_redeemed')::integer AS redemptions
    FROM {EVENTS}
    GROUP BY 1, 2, 3
) AS per_day
WITH DATA;
CREATE UNIQUE INDEX daily_voucher_stats_key ON {VIEW} (day, business_id, voucher_id);
CREATE UNIQUE INDEX daily_voucher_stats_id ON {VIEW} (id);
CREATE INDEX daily_voucher_stats_business_day ON {VIEW} (business_id, day);
"""

BACKWARD = f"DROP MATERIALIZED VIEW IF EXISTS {VIEW};"


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, reverse_sql=BACKWARD),
    ]
