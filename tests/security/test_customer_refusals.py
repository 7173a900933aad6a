"""As themselves, a customer's SQL cannot raise, take or rewrite what is not theirs.

Each test is one refusal of issue "least privilege" point 6, run as the SQL an injected
query would run, as application_role with the customer's own vouched identity.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import ProgrammingError, connection

from business.models import StaffMembership
from i18n.models import Language, Translation
from marketplace.models import VoucherCode
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from security.models import Role
from support.models import Ticket, TicketMessage
from tests.business.factories import BusinessFactory
from tests.files.factories import FileFactory
from tests.marketplace.factories import VoucherFactory
from tests.payments.factories import PaymentFactory
from tests.users.factories import UserFactory
from users.models import UserProfile

pytestmark = pytest.mark.django_db

REFUSED = "row-level security|needs"


@pytest.fixture
def customer():
    return UserFactory()


def _as(user):
    return acting_as(user_id=user.pk, role=APPLICATION_ROLE)


def refused(user, statement, params=()):
    """The statement fails for the user, and the failure is the database's refusal."""
    with pytest.raises(ProgrammingError, match=REFUSED), _as(user), connection.cursor() as cur:
        cur.execute(statement, params)


def rows_changed(user, statement, params=()) -> int:
    with _as(user), connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


@pytest.mark.parametrize(
    "column, value",
    [("is_superuser", True), ("is_staff", True), ("role", "admin"), ("status", "suspended")],
)
def test_a_customer_cannot_raise_their_own_account(customer, column, value):
    refused(
        customer, f'UPDATE "users"."users" SET {column} = %s WHERE id = %s', [value, customer.pk]
    )
    customer.refresh_from_db()
    assert getattr(customer, column) != value


def test_a_customer_may_still_edit_their_own_name(customer):
    assert (
        rows_changed(
            customer,
            'UPDATE "users"."users" SET first_name = %s WHERE id = %s',
            ["Al", customer.pk],
        )
        == 1
    )


def test_a_customer_cannot_grant_themselves_a_permission(customer):
    permission = Permission.objects.get(codename="change_user")
    refused(
        customer,
        'INSERT INTO "users"."user_permissions" (user_id, permission_id) VALUES (%s, %s)',
        [customer.pk, permission.pk],
    )


def test_a_customer_cannot_join_a_group(customer):
    group = Group.objects.create(name="admins")
    refused(
        customer,
        'INSERT INTO "users"."user_groups" (user_id, group_id) VALUES (%s, %s)',
        [customer.pk, group.pk],
    )


def test_a_customer_cannot_give_a_group_permissions(customer):
    group = Group.objects.create(name="mine")
    refused(
        customer,
        "INSERT INTO auth_group_permissions (group_id, permission_id) VALUES (%s, %s)",
        [group.pk, Permission.objects.get(codename="change_user").pk],
    )


def test_a_customer_cannot_assign_themselves_a_role(customer):
    role = Role.objects.create(name="auditor")
    refused(
        customer,
        'INSERT INTO "security"."role_assignments" (id, created_at, updated_at, user_id, role_id)'
        " VALUES (gen_random_uuid(), now(), now(), %s, %s)",
        [customer.pk, role.pk],
    )


def test_a_customer_cannot_take_over_a_business(customer):
    business = BusinessFactory()
    assert (
        rows_changed(
            customer,
            'UPDATE "business"."businesses" SET owner_id = %s WHERE id = %s',
            [customer.pk, business.pk],
        )
        == 0
    )
    refused(
        customer,
        'INSERT INTO "business"."staff_memberships" (id, created_at, updated_at, business_id,'
        " user_id, role) VALUES (gen_random_uuid(), now(), now(), %s, %s, 'owner')",
        [business.pk, customer.pk],
    )


def test_a_manager_cannot_take_over_or_verify_their_business(customer):
    business = BusinessFactory()
    StaffMembership.objects.create(business=business, user=customer, role="manager")
    table = '"business"."businesses"'
    refused(customer, f"UPDATE {table} SET owner_id = %s WHERE id = %s", [customer.pk, business.pk])
    refused(
        customer,
        f"UPDATE {table} SET verification_status = 'verified', verified_at = now() WHERE id = %s",
        [business.pk],
    )
    # What a manager may do: edit the business's own description.
    assert (
        rows_changed(
            customer,
            f"UPDATE {table} SET business_description_key = 'x' WHERE id = %s",
            [business.pk],
        )
        == 1
    )


def test_a_customer_cannot_rewrite_a_voucher(customer):
    voucher = VoucherFactory()
    assert (
        rows_changed(
            customer,
            'UPDATE "marketplace"."vouchers" SET discount_value = 99 WHERE id = %s',
            [voucher.pk],
        )
        == 0
    )


def test_business_staff_cannot_move_the_redemption_counts(customer):
    voucher = VoucherFactory(max_redemptions=10)
    StaffMembership.objects.create(business=voucher.business, user=customer, role="owner")
    for statement in (
        'UPDATE "marketplace"."voucher_redemption_slices" SET taken = 5 WHERE voucher_id = %s',
        'UPDATE "marketplace"."voucher_redemption_slices" SET capacity = 1000'
        " WHERE voucher_id = %s",
    ):
        assert rows_changed(customer, statement, [voucher.pk]) == 0
    refused(
        customer,
        'INSERT INTO "marketplace"."voucher_redemption_slices" (voucher_id, slice, depth,'
        " capacity, taken) VALUES (%s, 1, 1, 1000, 0)",
        [voucher.pk],
    )


def test_a_customer_sees_the_counts_of_the_vouchers_they_may_see_and_no_others(customer):
    published = VoucherFactory(state="published", max_redemptions=7)
    draft = VoucherFactory(state="draft", max_redemptions=9)
    with _as(customer), connection.cursor() as cursor:
        cursor.execute(
            'SELECT voucher_id, capacity FROM "marketplace"."voucher_redemption_slices"'
            " WHERE voucher_id = ANY(%s)",
            [[published.pk, draft.pk]],
        )
        assert cursor.fetchall() == [(published.pk, 7)]


def test_a_customer_can_neither_read_nor_rewrite_voucher_codes(customer):
    code = VoucherCode.objects.create(voucher=VoucherFactory(), code="SECRET42")
    with _as(customer):
        assert not VoucherCode.objects.filter(pk=code.pk).exists()
    assert (
        rows_changed(
            customer,
            'UPDATE "marketplace"."voucher_codes" SET code = \'MINE\' WHERE id = %s',
            [code.pk],
        )
        == 0
    )


def test_a_customer_cannot_rewrite_a_translation(customer):
    language = Language.objects.create(code="xx", name="X", native_name="X")
    text = Translation.objects.create(key="k", language=language, value="v")
    with _as(customer):
        assert Translation.objects.filter(pk=text.pk).exists()  # public reading
    assert (
        rows_changed(
            customer, 'UPDATE "i18n"."translations" SET value = \'w\' WHERE id = %s', [text.pk]
        )
        == 0
    )


def test_a_customer_cannot_raise_their_own_payment(customer):
    payment = PaymentFactory(payer=customer)
    assert (
        rows_changed(
            customer, 'UPDATE "payments"."payments" SET amount = 1000 WHERE id = %s', [payment.pk]
        )
        == 0
    )
    payment.refresh_from_db()
    assert payment.amount == 100


def test_a_customer_cannot_create_a_succeeded_refund(customer):
    payment = PaymentFactory(payer=customer)
    refused(
        customer,
        'INSERT INTO "payments"."refunds" (id, created_at, updated_at, payment_id, amount,'
        " status, reason, idempotency_key) VALUES (gen_random_uuid(), now(), now(), %s, 100,"
        " 'succeeded', '', 'mine')",
        [payment.pk],
    )


@pytest.fixture
def ticket_with_reply(customer):
    ticket = Ticket.objects.create(requester=customer, subject="help")
    agent = UserFactory(is_staff=True)
    reply = TicketMessage.objects.create(ticket=ticket, author=agent, body="hello")
    return ticket, agent, reply


def test_a_customer_cannot_post_as_staff_in_their_ticket(customer, ticket_with_reply):
    ticket, agent, _ = ticket_with_reply
    insert = (
        'INSERT INTO "support"."ticket_messages" (id, created_at, updated_at, ticket_id,'
        " author_id, body, is_internal) VALUES (gen_random_uuid(), now(), now(), %s, %s, 'x', %s)"
    )
    refused(customer, insert, [ticket.pk, agent.pk, False])
    refused(customer, insert, [ticket.pk, customer.pk, True])
    assert rows_changed(customer, insert.replace("%s)", "false)"), [ticket.pk, customer.pk]) == 1


def test_a_customer_cannot_edit_a_staff_reply(customer, ticket_with_reply):
    _, _, reply = ticket_with_reply
    assert (
        rows_changed(
            customer,
            'UPDATE "support"."ticket_messages" SET body = \'x\' WHERE id = %s',
            [reply.pk],
        )
        == 0
    )


@pytest.mark.parametrize("column, value", [("status", "closed"), ("priority", "urgent")])
def test_a_customer_cannot_triage_their_own_ticket(customer, column, value):
    ticket = Ticket.objects.create(requester=customer, subject="help")
    refused(
        customer,
        f'UPDATE "support"."tickets" SET {column} = %s, closed_at = now() WHERE id = %s',
        [value, ticket.pk],
    )


def test_a_customer_cannot_link_anothers_payment(customer):
    theirs = PaymentFactory()
    refused(
        customer,
        'INSERT INTO "marketplace"."saved_vouchers" (id, created_at, updated_at, user_id,'
        " voucher_id, status, payment_id) VALUES (gen_random_uuid(), now(), now(), %s, %s,"
        " 'saved', %s)",
        [customer.pk, VoucherFactory().pk, theirs.pk],
    )


def test_a_customer_cannot_link_anothers_file(customer, ticket_with_reply):
    theirs = FileFactory()
    refused(
        customer,
        'INSERT INTO "users"."user_profiles" (id, created_at, updated_at, user_id, avatar_id)'
        " VALUES (gen_random_uuid(), now(), now(), %s, %s)",
        [customer.pk, theirs.pk],
    )
    ticket, _, _ = ticket_with_reply
    message = TicketMessage.objects.create(ticket=ticket, author=customer, body="see file")
    refused(
        customer,
        'INSERT INTO "support"."ticket_attachments" (id, created_at, updated_at, message_id,'
        " file_id) VALUES (gen_random_uuid(), now(), now(), %s, %s)",
        [message.pk, theirs.pk],
    )
    assert not UserProfile.objects.filter(user=customer).exists()
