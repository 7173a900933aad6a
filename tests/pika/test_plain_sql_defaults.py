"""Rows inserted with plain SQL, naming only business columns, get the database's defaults."""

import uuid

import pytest
from django.db import connection

from audit.models import AuditLog
from business.models import Business
from catalog.models import Category
from i18n.models import Language, Translation
from marketplace.models import Voucher
from users.models import User, UserProfile

pytestmark = pytest.mark.django_db


def insert(model, **values) -> uuid.UUID:
    """INSERT one row with exactly these columns; return its id."""
    columns = ", ".join(connection.ops.quote_name(column) for column in values)
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({placeholders}) RETURNING id",
            list(values.values()),
        )
        return cursor.fetchone()[0]


def assert_uuid7(value: uuid.UUID):
    assert value.version == 7


def test_a_row_of_every_core_model_from_plain_sql():
    user_id = insert(User, email="sql@pika.example")
    profile_id = insert(UserProfile, user_id=user_id)
    language_id = insert(Language, code="eo", name="Esperanto")
    translation_id = insert(Translation, key="k", language_id=language_id, value="v")
    category_id = insert(Category, slug="sql", name_key="category.sql.name")
    business_id = insert(
        Business, business_name_key="business.sql.name", category_id=category_id, owner_id=user_id
    )
    voucher_id = insert(
        Voucher,
        business_id=business_id,
        title_key="voucher.sql.title",
        description_key="voucher.sql.description",
        terms_key="voucher.sql.terms",
        discount_type="fixed",
        discount_value="5.00",
        currency="EUR",
        valid_from="2026-01-01T00:00:00Z",
        expires_at="2026-12-31T00:00:00Z",
    )
    audit_id = insert(AuditLog, action="INSERT", table_name="sql.table", record_id="1")

    for row_id in (user_id, profile_id, language_id, translation_id, category_id):
        assert_uuid7(row_id)
    for row_id in (business_id, voucher_id, audit_id):
        assert_uuid7(row_id)

    user = User.objects.get(pk=user_id)
    assert (user.status, user.role, user.is_active, user.is_staff) == (
        "unconfirmed",
        "customer",
        True,
        False,
    )
    assert not user.has_usable_password()
    assert user.created_at is not None and user.updated_at is not None

    voucher = Voucher.objects.get(pk=voucher_id)
    assert (voucher.state, voucher.max_per_user) == ("draft", 1)
    # Its one slice, from the vouchers' trigger, holds its whole (unlimited) capacity.
    assert list(voucher.redemption_slices.values_list("slice", "capacity", "taken")) == [
        (0, None, 0)
    ]
    assert voucher.max_redemptions is None
    assert Translation.objects.get(pk=translation_id).verified is False
    assert Category.objects.get(pk=category_id).is_active is True
    assert AuditLog.objects.get(pk=audit_id).timestamp is not None


def test_database_uuid7_ids_are_time_ordered():
    ids = [insert(Language, code=f"l{n}", name=f"Language {n}") for n in range(5)]
    # The first 48 bits are milliseconds; ties share a prefix, so compare that part.
    prefixes = [row_id.int >> 80 for row_id in ids]
    assert prefixes == sorted(prefixes)


def test_orm_ids_are_uuid7():
    language = Language.objects.create(code="zz", name="Probe")
    assert_uuid7(language.pk)
