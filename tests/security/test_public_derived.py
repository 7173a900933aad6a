"""Attacks on the public derived tables (pika.db.access.public_derived), which have no row
level security so that their indexes serve the web: they must hold only what everyone may
read anyway, and the web must not write them."""

import pytest
from django.contrib.gis.geos import Point
from django.db import ProgrammingError, connection, transaction

from business.models import Business, BusinessPublicLocation
from i18n.models import Language, Translation
from marketplace.models import VoucherSearchDocument, VoucherState
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from tests.business.factories import BusinessFactory, business_manager
from tests.marketplace.factories import VoucherFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

DERIVED = ['"business"."public_locations"', '"marketplace"."voucher_search_documents"']
MADRID = Point(-3.7038, 40.4168, srid=4326)
PARIS = Point(2.3522, 48.8566, srid=4326)


def _public_locations(user_id=None) -> dict:
    with acting_as(user_id=user_id, role=APPLICATION_ROLE):
        return {
            row.business_id: (round(row.location.x, 4), round(row.location.y, 4))
            for row in BusinessPublicLocation.objects.all()
        }


def test_the_public_locations_are_the_active_businesses_ones_and_nothing_else():
    active = BusinessFactory(location=MADRID)
    inactive = BusinessFactory(location=PARIS, is_active=False)
    BusinessFactory(location=None)
    # The inactive business's own manager sees it in the businesses, not here.
    manager = business_manager(inactive)
    for user_id in (None, UserFactory().pk, manager.pk):
        assert _public_locations(user_id) == {active.pk: (-3.7038, 40.4168)}
    with acting_as(user_id=manager.pk, role=APPLICATION_ROLE):
        assert Business.objects.filter(pk=inactive.pk).exists()


def test_the_public_locations_follow_the_businesses_whoever_writes():
    business = BusinessFactory(location=MADRID)
    manager = business_manager(business)
    with acting_as(user_id=manager.pk, role=APPLICATION_ROLE):
        Business.objects.filter(pk=business.pk).update(location=PARIS)
    assert _public_locations() == {business.pk: (2.3522, 48.8566)}
    Business.objects.filter(pk=business.pk).update(is_active=False)
    assert _public_locations() == {}
    Business.objects.filter(pk=business.pk).update(is_active=True)
    assert _public_locations() == {business.pk: (2.3522, 48.8566)}
    Business.objects.filter(pk=business.pk).update(location=None)
    assert _public_locations() == {}
    Business.objects.filter(pk=business.pk).update(location=MADRID)
    business.delete()
    assert _public_locations() == {}


@pytest.mark.parametrize("table", DERIVED)
@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO {table} SELECT * FROM {table} LIMIT 1",
        "UPDATE {table} SET location = location",
        "DELETE FROM {table}",
        "TRUNCATE {table}",
    ],
)
def test_the_web_writes_no_derived_table(table, statement):
    business = BusinessFactory(location=MADRID)
    staff = UserFactory(is_staff=True, is_superuser=True)
    if "voucher_search_documents" in table:
        statement = statement.replace("location = location", "content = content")
    for user_id in (None, business_manager(business).pk, staff.pk):
        with (
            acting_as(user_id=user_id, role=APPLICATION_ROLE),
            pytest.raises(ProgrammingError, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement.format(table=table))
    assert _public_locations() == {business.pk: (-3.7038, 40.4168)}


def test_the_search_documents_reveal_no_text_the_translations_do_not():
    """Without row level security the documents show every voucher's texts, a draft's
    too: exactly what the translations, public to everyone, show already."""
    en = Language.objects.create(code="en", name="English", is_default=True)
    draft = VoucherFactory(state=VoucherState.DRAFT)
    Translation.objects.create(key=draft.title_key, language=en, value="Secret launch")
    with acting_as(user_id=None, role=APPLICATION_ROLE):
        contents = set(VoucherSearchDocument.objects.values_list("content", flat=True))
        public = set(Translation.objects.values_list("value", flat=True))
    assert contents == {"Secret launch"}
    assert contents <= public


def test_a_business_deletes_its_draft_voucher_and_the_database_drops_its_search_documents():
    """The web may not delete search documents; the foreign keys cascade as the owner."""
    from django.db import connection

    from i18n.models import Language
    from marketplace.models import Voucher, VoucherSearchDocument
    from pika.db.context import acting_as
    from pika.db.security import APPLICATION_ROLE
    from tests.business.factories import business_manager
    from tests.marketplace.factories import VoucherFactory

    Language.objects.create(code="en", name="English", is_default=True)
    voucher = VoucherFactory(state="draft")
    assert VoucherSearchDocument.objects.filter(voucher=voucher).exists()
    manager = business_manager(voucher.business)
    with acting_as(user_id=manager.pk, role=APPLICATION_ROLE):
        deleted, _ = Voucher.objects.filter(pk=voucher.pk).delete()
    assert deleted >= 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM marketplace.voucher_search_documents WHERE voucher_id = %s",
            [voucher.pk],
        )
        assert cursor.fetchone()[0] == 0
