"""Each constraint of the domain tables refuses the bad row it exists for."""

import datetime
import hashlib

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from business.models import BusinessPhoto, OpeningHours, StaffMembership
from catalog.models import Offering
from identity.models import ExternalIdentity, OneTimeToken, Session, TokenPurpose
from marketplace.models import Redemption, RedemptionStatus, SavedVoucher, VoucherCode
from security.models import ApiKey, Permission, Role, RoleAssignment
from support.models import Ticket, TicketStatus
from tests.business.factories import BusinessFactory
from tests.files.factories import FileFactory
from tests.marketplace.factories import VoucherFactory
from tests.users.factories import UserFactory
from users.models import Address, UserPreferences

pytestmark = pytest.mark.django_db

SOON = timezone.now() + datetime.timedelta(days=1)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def refused(constraint: str):
    """Expect the database to refuse the write, naming the constraint."""
    return pytest.raises(IntegrityError, match=constraint)


def test_second_preferences_row_for_a_user():
    user = UserFactory()
    UserPreferences.objects.create(user=user)
    with refused("user_preferences_user_id_key"), transaction.atomic():
        UserPreferences.objects.create(user=user)


def test_second_default_address_for_a_user():
    user = UserFactory()
    Address.objects.create(user=user, line1="a", city="Madrid", country_code="ES", is_default=True)
    with refused("addresses_one_default_per_user"), transaction.atomic():
        Address.objects.create(
            user=user, line1="b", city="Madrid", country_code="ES", is_default=True
        )


def test_address_country_code_must_be_iso():
    with refused("addresses_country_code_iso"), transaction.atomic():
        Address.objects.create(user=UserFactory(), line1="a", city="Madrid", country_code="es")


def test_session_token_must_be_a_sha256_digest_and_unique():
    user = UserFactory()
    with refused("sessions_token_hash_is_sha256"), transaction.atomic():
        Session.objects.create(user=user, refresh_token_hash="plain-token", expires_at=SOON)
    Session.objects.create(user=user, refresh_token_hash=digest("t"), expires_at=SOON)
    with refused("refresh_token_hash"), transaction.atomic():
        Session.objects.create(user=user, refresh_token_hash=digest("t"), expires_at=SOON)


def test_one_time_token_cannot_be_used_after_it_expired():
    token = OneTimeToken.objects.create(
        user=UserFactory(),
        purpose=TokenPurpose.PASSWORD_RESET,
        token_hash=digest("reset"),
        email="a@pika.example",
        expires_at=SOON,
    )
    token.used_at = SOON + datetime.timedelta(seconds=1)
    with refused("one_time_tokens_used_before_expiry"), transaction.atomic():
        token.save()


def test_external_identity_is_unique_per_provider_and_subject():
    ExternalIdentity.objects.create(user=UserFactory(), provider="google", subject="42")
    with refused("external_identities_subject_uniq"), transaction.atomic():
        ExternalIdentity.objects.create(user=UserFactory(), provider="google", subject="42")


def test_a_role_is_assigned_once_per_user():
    user, role = UserFactory(), Role.objects.create(name="Cashier")
    RoleAssignment.objects.create(user=user, role=role)
    with refused("role_assignments_uniq"), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=role)


def test_permission_codename_is_domain_dot_action():
    with refused("permissions_codename_format"), transaction.atomic():
        Permission.objects.create(codename="Publish Vouchers")


def test_api_key_stores_a_hash_never_the_key():
    with refused("api_keys_hash_is_sha256"), transaction.atomic():
        ApiKey.objects.create(owner=UserFactory(), name="k", prefix="pk_abc1", key_hash="secret")


def test_a_closed_ticket_has_a_closing_time():
    with refused("tickets_closed_have_closed_at"), transaction.atomic():
        Ticket.objects.create(requester=UserFactory(), subject="s", status=TicketStatus.CLOSED)


def test_file_checksum_and_size_and_storage_key():
    with refused("files_checksum_is_sha256_hex"), transaction.atomic():
        FileFactory(checksum_sha256="ABC")
    with refused("files_size_not_negative"), transaction.atomic():
        FileFactory(size_bytes=-1)
    first = FileFactory()
    with refused("storage_key"), transaction.atomic():
        FileFactory(storage_key=first.storage_key)


def test_offering_price_needs_a_currency():
    business = BusinessFactory()
    with refused("offerings_price_has_currency"), transaction.atomic():
        Offering.objects.create(
            business=business, category=business.category, name_key="k", price=10
        )


def test_opening_hours_open_before_they_close_on_an_iso_weekday():
    business = BusinessFactory()
    with refused("opening_hours_open_before_close"), transaction.atomic():
        OpeningHours.objects.create(
            business=business, weekday=1, opens_at="18:00", closes_at="09:00"
        )
    with refused("opening_hours_iso_weekday"), transaction.atomic():
        OpeningHours.objects.create(
            business=business, weekday=0, opens_at="09:00", closes_at="18:00"
        )


def test_staff_membership_and_photo_are_unique_per_business():
    business, user, file = BusinessFactory(), UserFactory(), FileFactory()
    StaffMembership.objects.create(business=business, user=user)
    with refused("staff_memberships_uniq"), transaction.atomic():
        StaffMembership.objects.create(business=business, user=user)
    BusinessPhoto.objects.create(business=business, file=file)
    with refused("photos_business_file_uniq"), transaction.atomic():
        BusinessPhoto.objects.create(business=business, file=file)


def test_a_verified_business_has_a_verification_time():
    with refused("businesses_verified_have_time"), transaction.atomic():
        BusinessFactory(verification_status="verified")


def test_voucher_code_is_unique_and_from_the_alphabet():
    voucher = VoucherFactory()
    VoucherCode.objects.create(voucher=voucher, code="ABCD2345")
    with refused("voucher_codes_code_key"), transaction.atomic():
        VoucherCode.objects.create(voucher=VoucherFactory(), code="ABCD2345")
    with refused("voucher_codes_alphabet"), transaction.atomic():
        VoucherCode.objects.create(voucher=voucher, code="ABCD0O1I")


def test_a_single_use_code_counts_one_redemption_at_most():
    code = VoucherCode.objects.create(voucher=VoucherFactory(), code="SNGP2345", is_single_use=True)
    VoucherCode.objects.filter(pk=code.pk).update(redemption_count=1)
    with refused("voucher_codes_single_use_once"), transaction.atomic():
        VoucherCode.objects.filter(pk=code.pk).update(redemption_count=2)


def test_redemption_idempotency_key_is_unique_and_reversal_has_a_time():
    voucher, user = VoucherFactory(), UserFactory()
    Redemption.objects.create(voucher=voucher, user=user, idempotency_key="once")
    with refused("idempotency_key"), transaction.atomic():
        Redemption.objects.create(voucher=voucher, user=user, idempotency_key="once")
    with refused("redemptions_reversal_has_time"), transaction.atomic():
        Redemption.objects.create(
            voucher=voucher, user=user, idempotency_key="r", status=RedemptionStatus.REVERSED
        )


def test_a_customer_saves_a_voucher_once():
    voucher, user = VoucherFactory(), UserFactory()
    SavedVoucher.objects.create(voucher=voucher, user=user)
    with refused("saved_vouchers_uniq"), transaction.atomic():
        SavedVoucher.objects.create(voucher=voucher, user=user)
