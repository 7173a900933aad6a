"""users.0006 converts pgcrypto ciphertext to the Python format and back, without the key in SQL."""

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from payments.models import Payment
from tests.payments.factories import PaymentFactory
from tests.users.factories import UserFactory
from users.models import UserProfile

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+34 600 123 456"
ACCOUNT = "ES91 2100 0418 4502 0005 1332"


def pgcrypto_decrypted(model, column, pk, key):
    """What pgcrypto reads in the column with the key (the test binds it: it is the attacker)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pgp_sym_decrypt({column}, %s) FROM {model._meta.db_table} WHERE id = %s",
            [key, pk],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def at_the_latest_migration():
    """Migrates forwards again after the test, with the key the test started with."""
    key = django_settings.ENCRYPTION_KEY
    yield
    with override_settings(ENCRYPTION_KEY=key):
        call_command("migrate", verbosity=0)


def test_converting_back_and_forth_keeps_the_values_and_sends_no_key_or_plaintext(
    at_the_latest_migration, server_log, settings
):
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    payment = PaymentFactory(account_reference=ACCOUNT)
    key = settings.ENCRYPTION_KEY

    server_log.restart()
    call_command("migrate", "users", "0005", verbosity=0)
    backwards = server_log.text()
    assert pgcrypto_decrypted(UserProfile, "phone_number", profile.pk, key) == PHONE
    assert pgcrypto_decrypted(Payment, "account_reference", payment.pk, key) == ACCOUNT

    server_log.restart()
    call_command("migrate", "users", "0006", verbosity=0)
    forwards = server_log.text()
    assert UserProfile.objects.get(pk=profile.pk).phone_number == PHONE
    assert Payment.objects.get(pk=payment.pk).account_reference == ACCOUNT

    assert 'UPDATE "users"."user_profiles" AS t SET "phone_number" = pgp_sym_encrypt' in backwards
    assert 'pgp_sym_decrypt("phone_number"' in forwards
    for log in (backwards, forwards):
        assert "COPY pg_temp.pika_migration_key (key) FROM STDIN" in log
        for secret in (key, PHONE, "600 123", ACCOUNT, "2100 0418"):
            assert secret not in log


def test_converting_with_another_key_fails_clearly_changes_nothing_and_logs_no_key(
    at_the_latest_migration, server_log, settings
):
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    call_command("migrate", "users", "0005", verbosity=0)
    key = settings.ENCRYPTION_KEY
    settings.ENCRYPTION_KEY = "not-the-key-the-data-has"
    server_log.restart()
    with pytest.raises(RuntimeError, match=r"does not decrypt users\.user_profiles\.phone_number"):
        call_command("migrate", "users", "0006", verbosity=0)
    log = server_log.text()
    assert "Wrong key or corrupt data" in log
    assert "not-the-key-the-data-has" not in log
    assert PHONE not in log

    assert pgcrypto_decrypted(UserProfile, "phone_number", profile.pk, key) == PHONE
