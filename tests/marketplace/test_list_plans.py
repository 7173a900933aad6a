"""The public voucher list reads its first page from an index, not by sorting every voucher."""

import pytest
from django.db import connection

from marketplace.selectors import voucher_list
from pika.api.pagination import CreatedCursorPagination
from tests.marketplace.factories import VoucherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_vouchers():
    """Thousands of vouchers, a tenth published, so that the planner prefers indexes."""
    template = VoucherFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO marketplace.vouchers (id, created_at, updated_at, business_id, state,"
            " title_key, description_key, terms_key, discount_type, discount_value, currency,"
            " valid_from, expires_at, max_per_user)"
            " SELECT gen_random_uuid(), now() - n * interval '1 minute', now(), v.business_id,"
            " CASE WHEN n %% 10 = 0 THEN 'published' ELSE 'draft' END,"
            " 'voucher.plan' || n || '.title', 'voucher.plan' || n || '.description',"
            " 'voucher.plan' || n || '.terms', v.discount_type, v.discount_value, v.currency,"
            " v.valid_from, v.expires_at, 1"
            " FROM generate_series(1, 5000) n, marketplace.vouchers v WHERE v.id = %s",
            [template.pk],
        )
        cursor.execute("ANALYZE marketplace.vouchers; ANALYZE business.businesses")


def test_the_first_page_of_the_public_list_walks_the_published_index(many_vouchers):
    ordering = CreatedCursorPagination.ordering
    page = voucher_list().order_by(*ordering)[:21]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "vouchers_published_new_idx" in plan, plan
    assert "Sort" not in plan, plan
