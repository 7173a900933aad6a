"""As the web runs them (``application_role``, row level security on, a vouched identity),
the nearby and search selectors read their GiST and GIN indexes instead of every row.

Under row level security PostgreSQL does not let a condition that is not leakproof (PostGIS's
``&&`` and ``<->``, full-text ``@@``, ``pg_trgm``'s ``%>``) run before a policy's, so such a
condition cannot be an index condition on a table with policies. The selectors therefore
put them on ``business.public_locations`` and ``marketplace.voucher_search_documents``,
public derived tables without row level security (see `pika.db.access.public_derived`).
Thousands of rows and ANALYZE, so that the planner prefers the indexes where it may.
"""

import re

import pytest
from django.db import connection, transaction

from i18n.models import Language, SearchConfig
from marketplace.selectors import (
    businesses_nearby,
    geography_point,
    vouchers_nearby,
    vouchers_search,
)
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from tests.business.factories import BusinessFactory
from tests.marketplace.factories import VoucherFactory
from tests.marketplace.test_nearby import PUERTA_DEL_SOL, madrid, many_businesses  # noqa: F401
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def web_plan_of(queryset, user, *settings: str) -> str:
    """EXPLAIN ANALYZE of ``queryset`` as the web runs it for ``user``."""
    sql, params = queryset.query.sql_with_params()
    with acting_as(user_id=user.pk, role=APPLICATION_ROLE), connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(setting)
        cursor.execute("SELECT current_user, row_security_active('business.businesses')")
        assert cursor.fetchone() == (APPLICATION_ROLE, True)
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def many_vouchers_near(many_businesses):  # noqa: F811
    """A published voucher at each of the grid's first 2,000 businesses, and statistics."""
    template = VoucherFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO marketplace.vouchers (id, created_at, updated_at, business_id, state,"
            " title_key, description_key, terms_key, discount_type, discount_value, currency,"
            " valid_from, expires_at, max_per_user)"
            " SELECT gen_random_uuid(), now(), now(), b.id, 'published',"
            " 'voucher.near' || b.n || '.title', 'voucher.near' || b.n || '.description',"
            " 'voucher.near' || b.n || '.terms', v.discount_type, v.discount_value, v.currency,"
            " v.valid_from, v.expires_at, 1"
            " FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM business.businesses"
            "       WHERE business_name_key LIKE 'business.grid.%%' ORDER BY id LIMIT 2000) b,"
            " marketplace.vouchers v WHERE v.id = %s",
            [template.pk],
        )
        cursor.execute(
            "ANALYZE business.businesses; ANALYZE business.public_locations;"
            " ANALYZE marketplace.vouchers"
        )


def test_the_webs_nearby_vouchers_walk_the_public_locations_gist_index(many_vouchers_near):
    plan = web_plan_of(
        vouchers_nearby(point=geography_point(**PUERTA_DEL_SOL), radius_m=5_000)[:20],
        UserFactory(),
    )
    assert "public_locations_location_gist" in plan, plan
    assert "Seq Scan on businesses" not in plan, plan


def test_the_webs_nearby_businesses_walk_the_gist_index_and_stop_at_the_radius(
    many_vouchers_near,
):
    user = UserFactory()
    plan = web_plan_of(
        businesses_nearby(point=geography_point(**PUERTA_DEL_SOL), radius_m=5_000)[:20], user
    )
    assert "public_locations_location_gist" in plan, plan
    assert "Seq Scan on businesses" not in plan, plan
    # In the open sea the index's bounding box ends the scan at once.
    empty = web_plan_of(
        businesses_nearby(point=geography_point(lat=36.0, lng=-12.0), radius_m=1_000), user
    )
    assert "public_locations_location_gist" in empty, empty
    assert "rows=0 loops=1" in empty.splitlines()[0], empty


@pytest.fixture
def crowded_square():
    """2,500 businesses, each with a live voucher, within about 1.5 km of the Puerta del Sol
    (a grid of 50 by 50, 0.0003° apart), and statistics: a city centre, where a radius holds far
    more rows than a page."""
    template = VoucherFactory(business=BusinessFactory())
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO business.businesses (id, created_at, updated_at, business_name_key,"
            " category_id, owner_id, location, is_active, verification_status)"
            " SELECT gen_random_uuid(), now(), now(), 'business.square.' || x || '.' || y,"
            " b.category_id, b.owner_id,"
            " ST_SetSRID(ST_MakePoint(-3.7113 + x * 0.0003, 40.4093 + y * 0.0003), 4326),"
            " true, 'unverified'"
            " FROM generate_series(0, 49) x, generate_series(0, 49) y, business.businesses b"
            " WHERE b.id = %s",
            [template.business_id],
        )
        cursor.execute(
            "INSERT INTO marketplace.vouchers (id, created_at, updated_at, business_id, state,"
            " title_key, description_key, terms_key, discount_type, discount_value, currency,"
            " valid_from, expires_at, max_per_user)"
            " SELECT gen_random_uuid(), now(), now(), b.id, 'published',"
            " b.key || '.title', b.key || '.description', b.key || '.terms',"
            " v.discount_type, v.discount_value, v.currency, v.valid_from, v.expires_at, 1"
            " FROM (SELECT id, replace(business_name_key, 'business.', 'voucher.') AS key"
            "       FROM business.businesses WHERE business_name_key LIKE 'business.square.%%') b,"
            " marketplace.vouchers v WHERE v.id = %s",
            [template.pk],
        )
        cursor.execute(
            "ANALYZE business.businesses; ANALYZE business.public_locations;"
            " ANALYZE marketplace.vouchers"
        )


def index_scan_rows(plan: str, index: str) -> int:
    """How many rows the plan's scan of ``index`` returned."""
    line = next(line for line in plan.splitlines() if f"using {index}" in line)
    return int(re.search(r"actual time=\S+ rows=(\d+)", line).group(1))


@pytest.mark.parametrize("selector", [vouchers_nearby, businesses_nearby])
def test_a_crowded_radius_is_walked_nearest_first_and_left_after_the_page(crowded_square, selector):
    """The page of 20 can read about 20 of the 2,500 places inside the radius: the index
    walks nearest first and the walk stops, instead of every place being joined and sorted.

    A full sort is priced out (``enable_sort = off``), so a plan without such a walk shows
    here as a sort of every row. Which of the two the planner picks rests on its row
    estimate for the radius: a few rows on a test-sized table, where the full sort looks
    cheaper; at the benchmark's scale it picks the walk by itself (docs/performance.md)."""
    query = selector(point=geography_point(**PUERTA_DEL_SOL), radius_m=5_000)
    with acting_as(user_id=None, role=APPLICATION_ROLE):
        assert query.count() >= 2_500
    plan = web_plan_of(query[:20], UserFactory(), "SET LOCAL enable_sort = off")
    assert "Order By: (location <-> " in plan, plan
    assert index_scan_rows(plan, "public_locations_location_gist") <= 40, plan


@pytest.fixture(scope="module")
def many_documents(django_db_setup, django_db_blocker):
    """20,000 published vouchers with English texts (one in a thousand about sushi), their search
    documents, and statistics. One language: with several, the planner would rather read a
    small test language whole (the primary key leads with it) than match in an index.

    Built once for the module's tests (6 s each time), in a transaction of its own that is
    rolled back after them; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _documents_made()
        transaction.set_rollback(True)


def _documents_made():
    en = Language.objects.create(
        code="en", name="English", is_default=True, search_config=SearchConfig.ENGLISH
    )
    template = VoucherFactory()
    with connection.cursor() as cursor:
        # A bulk load, as an operator command sets its own: the project's statement timeout
        # is for requests, and this one runs on a shared, sometimes busy machine.
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute(
            "INSERT INTO i18n.translations (key, value, language_id)"
            " SELECT 'voucher.webplan.' || n || '.title',"
            " CASE WHEN n %% 1000 = 0 THEN 'Sushi platter number ' || n"
            " ELSE 'Deal number ' || n || ' on pizza' END, %s"
            " FROM generate_series(1, 20000) n",
            [en.pk],
        )
        # The vouchers' trigger joins these texts: planned on the statistics of an empty
        # table, that join reads the 20,000 texts once per voucher.
        cursor.execute("ANALYZE i18n.translations")
        cursor.execute(
            "INSERT INTO marketplace.vouchers (id, created_at, updated_at, business_id, state,"
            " title_key, description_key, terms_key, discount_type, discount_value, currency,"
            " valid_from, expires_at, max_per_user)"
            " SELECT gen_random_uuid(), now(), now(), v.business_id, 'published',"
            " 'voucher.webplan.' || n || '.title', 'voucher.webplan.' || n || '.description',"
            " 'voucher.webplan.' || n || '.terms', v.discount_type, v.discount_value,"
            " v.currency, v.valid_from, v.expires_at, 1"
            " FROM generate_series(1, 20000) n, marketplace.vouchers v WHERE v.id = %s",
            [template.pk],
        )
        cursor.execute(
            "ANALYZE marketplace.voucher_search_documents; ANALYZE marketplace.vouchers;"
            " ANALYZE business.businesses"
        )
    return en


@pytest.mark.parametrize(
    ("condition", "index"),
    [
        ("document @@ plainto_tsquery('english', 'sushi')", "search_language_document_gin"),
        ("content %> 'sushl'", "search_language_content_trgm"),
    ],
)
def test_the_webs_search_conditions_may_read_the_gin_indexes(many_documents, condition, index):
    """Each match condition alone, as the web: with sequential scans priced out, only its GIN
    index can serve it, unless a row level security policy kept these non-leakproof operators
    out of index conditions. The selector's whole query is left to the planner, which on a
    test-sized table may rather read the language whole."""
    with acting_as(user_id=UserFactory().pk, role=APPLICATION_ROLE), connection.cursor() as c:
        c.execute("SET LOCAL enable_seqscan = off")
        c.execute(
            f"EXPLAIN SELECT voucher_id FROM marketplace.voucher_search_documents WHERE {condition}"
        )
        plan = "\n".join(row[0] for row in c.fetchall())
    assert index in plan, plan
    assert "Seq Scan" not in plan, plan


@pytest.mark.parametrize("text", ["sushi", "sushl"])
def test_the_webs_search_finds_one_voucher_in_a_thousand(many_documents, text):
    found = vouchers_search(text=text, language=many_documents)
    with acting_as(user_id=None, role=APPLICATION_ROLE):
        assert len(found[:200]) == 20  # one voucher in a thousand, in the typo's case too
