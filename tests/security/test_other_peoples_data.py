"""A request sees nothing of other people in any table: not with nobody signed in, and not
as a customer. (Tables of one user's own rows are covered in test_row_level_security.)"""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import ProgrammingError, connection

from analytics.models import Event
from business.models import StaffMembership
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from security.models import Role, RoleAssignment, SecurityEvent
from tests.business.factories import BusinessFactory
from tests.marketplace.factories import VoucherFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def _security_event(victim):
    return SecurityEvent.objects.create(
        kind="login_failed", user=victim, email=victim.email, ip_address="192.0.2.1"
    )


def _event(victim):
    voucher = VoucherFactory()
    return Event.objects.create(
        kind="voucher_viewed", user=victim, voucher=voucher, business=voucher.business
    )


def _admin_log(victim):
    return LogEntry.objects.create(user=victim, action_flag=1, object_repr="x", change_message="[]")


def _role_assignment(victim):
    return RoleAssignment.objects.create(user=victim, role=Role.objects.create(name="r"))


def _membership(victim):
    return StaffMembership.objects.create(user=victim, business=BusinessFactory())


SOMEONE_ELSES = [_security_event, _event, _admin_log, _role_assignment, _membership]


@pytest.mark.parametrize("make", SOMEONE_ELSES, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("acting", ["nobody", "a customer"])
def test_other_peoples_rows_are_invisible_and_untouchable(make, acting):
    row = make(UserFactory())
    user_id = UserFactory().pk if acting == "a customer" else None
    table = type(row)._meta.db_table
    with acting_as(user_id=user_id, role=APPLICATION_ROLE), connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [row.pk])
        assert cursor.fetchone() == (0,)
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row.pk])
        assert cursor.rowcount == 0
    assert type(row).objects.filter(pk=row.pk).exists()


def test_events_about_oneself_may_be_reported_and_read_back_but_not_about_others():
    me, other = UserFactory(), UserFactory()
    with acting_as(user_id=me.pk, role=APPLICATION_ROLE):
        mine = _security_event(me)
        assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [mine.pk]
        with pytest.raises(ProgrammingError, match="row-level security"):
            _security_event(other)
