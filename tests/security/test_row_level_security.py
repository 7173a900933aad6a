"""As the application role, a user sees and changes only their own rows."""

import datetime
import hashlib

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone

from analytics.models import Event
from business.models import StaffMembership
from files.models import File
from identity.models import ExternalIdentity, OneTimeToken, Session
from marketplace.models import Redemption, SavedVoucher
from payments.models import Payment, Refund
from pika.db.access import owned_labels
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from security.models import ApiKey, Role, RoleAssignment, SecurityEvent
from support.models import Ticket, TicketAttachment, TicketMessage
from tests.business.factories import BusinessFactory
from tests.files.factories import FileFactory
from tests.marketplace.factories import VoucherFactory
from tests.payments.factories import PaymentFactory, RefundFactory
from tests.users.factories import UserFactory
from users.models import Address, User, UserPreferences, UserProfile

pytestmark = pytest.mark.django_db

LATER = timezone.now() + datetime.timedelta(days=1)


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def _ticket(user, n):
    return Ticket.objects.create(requester=user, subject=f"t{n}")


def _event(user):
    voucher = VoucherFactory()
    return Event.objects.create(
        kind="voucher_viewed", user=user, voucher=voucher, business=voucher.business
    )


def _message(user, n):
    return TicketMessage.objects.create(ticket=_ticket(user, n), author=user, body="b")


# How to make a row that belongs to a user, for every protected table.
OWNED = {
    User: lambda user, n: user,
    UserProfile: lambda user, n: UserProfile.objects.create(user=user),
    UserPreferences: lambda user, n: UserPreferences.objects.create(user=user),
    Address: lambda user, n: Address.objects.create(
        user=user, line1="a", city="c", country_code="ES"
    ),
    Session: lambda user, n: Session.objects.create(
        user=user, refresh_token_hash=digest(f"s{n}"), expires_at=LATER
    ),
    OneTimeToken: lambda user, n: OneTimeToken.objects.create(
        user=user,
        purpose="password_reset",
        token_hash=digest(f"o{n}"),
        email="e@x.io",
        expires_at=LATER,
    ),
    ExternalIdentity: lambda user, n: ExternalIdentity.objects.create(
        user=user, provider="google", subject=f"sub{n}"
    ),
    ApiKey: lambda user, n: ApiKey.objects.create(
        owner=user, name="k", prefix=f"pk_{n:05d}", key_hash=digest(f"k{n}")
    ),
    Ticket: _ticket,
    TicketMessage: _message,
    TicketAttachment: lambda user, n: TicketAttachment.objects.create(
        message=_message(user, n), file=FileFactory(owner=user)
    ),
    Payment: lambda user, n: PaymentFactory(payer=user),
    Refund: lambda user, n: RefundFactory(payment=PaymentFactory(payer=user)),
    File: lambda user, n: FileFactory(owner=user),
    SavedVoucher: lambda user, n: SavedVoucher.objects.create(user=user, voucher=VoucherFactory()),
    Redemption: lambda user, n: Redemption.objects.create(
        user=user, voucher=VoucherFactory(), idempotency_key=f"r{n}"
    ),
    User.groups.through: lambda user, n: User.groups.through.objects.create(
        user=user, group=Group.objects.create(name=f"g{n}-{user.pk}")
    ),
    User.user_permissions.through: lambda user, n: User.user_permissions.through.objects.create(
        user=user, permission=Permission.objects.order_by("pk")[n]
    ),
    RoleAssignment: lambda user, n: RoleAssignment.objects.create(
        user=user, role=Role.objects.create(name=f"r{n}-{user.pk}")
    ),
    StaffMembership: lambda user, n: StaffMembership.objects.create(
        user=user, business=BusinessFactory()
    ),
    SecurityEvent: lambda user, n: SecurityEvent.objects.create(
        kind="login_failed", user=user, email=user.email
    ),
    Event: lambda user, n: _event(user),
    LogEntry: lambda user, n: LogEntry.objects.create(
        user=user, action_flag=1, object_repr=f"o{n}", change_message="[]"
    ),
}
PROTECTED = sorted(OWNED, key=lambda model: model._meta.label)


def test_every_table_with_a_policy_is_covered_here():
    assert {model._meta.label for model in OWNED} == owned_labels()


@pytest.fixture
def alice_and_bob():
    return UserFactory(), UserFactory()


def visible(model, pk) -> bool:
    return model._default_manager.filter(pk=pk).exists()


@pytest.mark.parametrize("model", PROTECTED, ids=lambda m: m._meta.label)
def test_a_user_sees_their_own_rows_and_not_anothers(model, alice_and_bob):
    alice, bob = alice_and_bob
    mine, theirs = OWNED[model](alice, 1), OWNED[model](bob, 2)
    with acting_as(user_id=alice.pk, role=APPLICATION_ROLE):
        assert visible(model, mine.pk)
        assert not visible(model, theirs.pk)


@pytest.mark.parametrize("model", PROTECTED, ids=lambda m: m._meta.label)
def test_a_user_cannot_update_or_delete_anothers_rows(model, alice_and_bob):
    alice, bob = alice_and_bob
    theirs = OWNED[model](bob, 2)
    with acting_as(user_id=alice.pk, role=APPLICATION_ROLE), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET id = id WHERE id = %s", [theirs.pk])
        assert cursor.rowcount == 0
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [theirs.pk])
        assert cursor.rowcount == 0
    assert visible(model, theirs.pk)


@pytest.mark.parametrize(
    "model",
    [m for m in PROTECTED if m not in (User, TicketMessage, TicketAttachment, Refund)],
    ids=lambda m: m._meta.label,
)
def test_a_user_cannot_insert_a_row_owned_by_another(model, alice_and_bob):
    alice, bob = alice_and_bob
    with (
        pytest.raises(ProgrammingError, match="row-level security"),
        acting_as(user_id=alice.pk, role=APPLICATION_ROLE),
    ):
        OWNED[model](bob, 3)


def test_a_user_cannot_post_into_anothers_ticket(alice_and_bob):
    alice, bob = alice_and_bob
    ticket = _ticket(bob, 1)
    with (
        pytest.raises(ProgrammingError, match="row-level security"),
        acting_as(user_id=alice.pk, role=APPLICATION_ROLE),
    ):
        TicketMessage.objects.create(ticket=ticket, author=alice, body="hi")


def test_internal_notes_are_hidden_from_the_requester(alice_and_bob):
    alice, agent = alice_and_bob
    ticket = _ticket(alice, 1)
    note = TicketMessage.objects.create(ticket=ticket, author=agent, body="n", is_internal=True)
    with acting_as(user_id=alice.pk, role=APPLICATION_ROLE):
        assert not visible(TicketMessage, note.pk)
        assert visible(Ticket, ticket.pk)


@pytest.mark.parametrize("model", PROTECTED, ids=lambda m: m._meta.label)
def test_with_no_user_set_nothing_is_visible(model, alice_and_bob):
    OWNED[model](alice_and_bob[0], 1)
    with acting_as(role=APPLICATION_ROLE):
        assert not model._default_manager.exists()


def test_the_seed_policy_names_lead_the_per_command_policies():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, policyname, roles FROM pg_policies"
            " WHERE policyname ~ '^(users_isolation|user_preferences_policy)_'"
        )
        rows = {(table, name, tuple(roles)) for table, name, roles in cursor.fetchall()}
    assert rows == {
        ("users", "users_isolation_select", ("application_role",)),
        ("users", "users_isolation_update", ("application_role",)),
        *(
            ("user_preferences", f"user_preferences_policy_{command}", ("application_role",))
            for command in ("select", "insert", "update", "delete")
        ),
    }


def test_the_application_role_is_neither_owner_nor_bypass():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [APPLICATION_ROLE]
        )
        assert cursor.fetchone() == (False, False)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [APPLICATION_ROLE])
        assert cursor.fetchone()[0] == 0


def test_identity_ends_with_its_block_inside_a_longer_transaction(alice_and_bob):
    with transaction.atomic():
        with acting_as(user_id=alice_and_bob[0].pk, role=APPLICATION_ROLE):
            pass
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.user_id', true), current_user")
            user_id, role = cursor.fetchone()
    assert user_id == ""
    assert role != APPLICATION_ROLE
