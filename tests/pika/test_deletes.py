"""Deleting a user, business, voucher or file does what the models document."""

import pytest
from django.db.models import ProtectedError

from analytics.models import Event, EventKind
from business.models import OpeningHours, StaffMembership
from identity.models import Session
from marketplace.models import Redemption, SavedVoucher, VoucherCode
from support.models import Ticket, TicketAttachment, TicketMessage
from tests.business.factories import BusinessFactory
from tests.files.factories import FileFactory
from tests.marketplace.factories import VoucherFactory
from tests.payments.factories import PaymentFactory, RefundFactory
from tests.users.factories import UserFactory
from users.models import UserPreferences, UserProfile

pytestmark = pytest.mark.django_db


def exists(obj) -> bool:
    return type(obj)._default_manager.filter(pk=obj.pk).exists()


def test_deleting_a_user_removes_their_own_data_and_anonymises_their_events():
    user = UserFactory()
    profile = UserProfile.objects.create(user=user)
    preferences = UserPreferences.objects.create(user=user)
    session = Session.objects.create(
        user=user, refresh_token_hash="a" * 64, expires_at="2099-01-01T00:00:00Z"
    )
    voucher = VoucherFactory()
    saved = SavedVoucher.objects.create(user=user, voucher=voucher)
    event = Event.objects.create(
        kind=EventKind.VOUCHER_VIEWED, user=user, voucher=voucher, business=voucher.business
    )
    user.delete()
    assert not any(exists(obj) for obj in (profile, preferences, session, saved))
    event.refresh_from_db()
    assert event.user_id is None


@pytest.mark.parametrize(
    "history",
    [
        lambda user: Ticket.objects.create(requester=user, subject="help"),
        lambda user: PaymentFactory(payer=user),
        lambda user: Redemption.objects.create(
            voucher=VoucherFactory(), user=user, idempotency_key="k"
        ),
        lambda user: BusinessFactory(owner=user),
        lambda user: FileFactory(owner=user),
    ],
    ids=["ticket", "payment", "redemption", "business", "file"],
)
def test_a_user_with_history_or_money_cannot_be_deleted(history):
    user = UserFactory()
    history(user)
    with pytest.raises(ProtectedError):
        user.delete()


def test_a_voucher_with_redemptions_cannot_be_deleted():
    voucher = VoucherFactory()
    Redemption.objects.create(voucher=voucher, user=UserFactory(), idempotency_key="k")
    with pytest.raises(ProtectedError):
        voucher.delete()


def test_deleting_a_voucher_without_redemptions_removes_codes_saves_and_events():
    voucher = VoucherFactory()
    code = VoucherCode.objects.create(voucher=voucher, code="DEPE2345")
    saved = SavedVoucher.objects.create(user=UserFactory(), voucher=voucher)
    event = Event.objects.create(
        kind=EventKind.VOUCHER_VIEWED, voucher=voucher, business=voucher.business
    )
    voucher.delete()
    assert not any(exists(obj) for obj in (code, saved, event))


def test_a_business_with_vouchers_cannot_be_deleted():
    voucher = VoucherFactory()
    with pytest.raises(ProtectedError):
        voucher.business.delete()


def test_deleting_a_business_without_vouchers_removes_its_hours_and_staff():
    business = BusinessFactory()
    hours = OpeningHours.objects.create(
        business=business, weekday=1, opens_at="09:00", closes_at="17:00"
    )
    staff = StaffMembership.objects.create(business=business, user=UserFactory())
    ticket = Ticket.objects.create(requester=UserFactory(), subject="s", business=business)
    business.delete()
    assert not exists(hours) and not exists(staff)
    ticket.refresh_from_db()
    assert ticket.business_id is None


def test_an_attached_file_cannot_be_deleted_but_an_avatar_can():
    file = FileFactory()
    ticket = Ticket.objects.create(requester=UserFactory(), subject="s")
    message = TicketMessage.objects.create(ticket=ticket, author=ticket.requester, body="b")
    TicketAttachment.objects.create(message=message, file=file)
    with pytest.raises(ProtectedError):
        file.delete()

    avatar = FileFactory()
    profile = UserProfile.objects.create(user=UserFactory(), avatar=avatar)
    avatar.delete()
    profile.refresh_from_db()
    assert profile.avatar_id is None


def test_a_payment_with_refunds_cannot_be_deleted():
    refund = RefundFactory()
    with pytest.raises(ProtectedError):
        refund.payment.delete()
