"""Active businesses' locations in a table without row level security, for nearby searches.

Under row level security PostgreSQL may not evaluate a non-leakproof operator (PostGIS's
``&&`` behind ``ST_DWithin``, the KNN ``<->``) before the policies' conditions, so the
businesses' GiST index cannot serve the web's nearby search. ``business.public_locations``
holds only what everyone may read anyway (the location of an active business), so it needs
no row level security and its own GiST index serves any condition.

A SECURITY DEFINER trigger on the businesses keeps it exact whoever writes: a row for each
active business with a location, none for any other. The web may only read it (the access
declaration grants SELECT and nothing else).
"""

import django.contrib.postgres.indexes
import django.db.models.deletion
import pika.db.bounded
from django.db import migrations, models


SYNC = """
CREATE FUNCTION business.public_location_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM business.public_locations p WHERE p.business_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.is_active AND NEW.location IS NOT NULL THEN
        INSERT INTO business.public_locations (business_id, location)
        VALUES (NEW.id, NEW.location);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION business.public_location_sync() IS
    'Keeps business.public_locations: the location of each active business, no other.';
REVOKE ALL ON FUNCTION business.public_location_sync() FROM PUBLIC;
CREATE TRIGGER public_location_insert_delete AFTER INSERT OR DELETE ON business.businesses
    FOR EACH ROW EXECUTE FUNCTION business.public_location_sync();
-- Django's save() writes every column: only a changed location or activity (compared as
-- text, which is exact, where geography's = compares bounding boxes) touches the table.
CREATE TRIGGER public_location_update AFTER UPDATE ON business.businesses FOR EACH ROW
    WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.is_active IS DISTINCT FROM NEW.is_active
          OR OLD.location::text IS DISTINCT FROM NEW.location::text)
    EXECUTE FUNCTION business.public_location_sync();
INSERT INTO business.public_locations (business_id, location)
    SELECT b.id, b.location FROM business.businesses b
    WHERE b.is_active AND b.location IS NOT NULL;
"""

DROP = """
DROP TRIGGER public_location_insert_delete ON business.businesses;
DROP TRIGGER public_location_update ON business.businesses;
DROP FUNCTION business.public_location_sync();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('business', '0004_bounded_input'),
    ]

    operations = [
        migrations.CreateModel(
            name='BusinessPublicLocation',
            fields=[
                ('business', models.OneToOneField(on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='public_location', serialize=False, to='business.business')),
                ('location', pika.db.bounded.WGS84PointField(geography=True, spatial_index=False, srid=4326)),
            ],
            options={
                'db_table': '"business"."public_locations"',
                'indexes': [django.contrib.postgres.indexes.GistIndex(fields=['location'], name='public_locations_location_gist')],
            },
        ),
        migrations.RunSQL(SYNC, reverse_sql=DROP),
    ]
