"""Personal columns are encrypted at rest with pgcrypto and found through keyed hashes."""

import pytest
from django.core.exceptions import FieldError
from django.db import OperationalError, connection, transaction

from audit.models import AuditLog
from payments.models import Payment
from pika.db.encryption import KEY_SETTING, lookup_hash
from tests.files.factories import FileFactory
from tests.payments.factories import PaymentFactory
from tests.users.factories import UserFactory
from users.models import UserProfile

pytestmark = pytest.mark.django_db

PHONE = "+34 600 123 456"


def stored(model, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_a_phone_number_is_stored_encrypted_and_read_back_in_clear():
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    raw = bytes(stored(UserProfile, "phone_number", profile.pk))
    assert PHONE.encode() not in raw
    assert UserProfile.objects.get(pk=profile.pk).phone_number == PHONE
    assert UserProfile.objects.values_list("phone_number", flat=True).get(pk=profile.pk) == PHONE


def test_queryset_update_and_bulk_create_encrypt_too():
    profile = UserProfile.objects.create(user=UserFactory())
    UserProfile.objects.filter(pk=profile.pk).update(phone_number="+1 555 0100")
    assert b"555" not in bytes(stored(UserProfile, "phone_number", profile.pk))
    assert UserProfile.objects.get(pk=profile.pk).phone_number == "+1 555 0100"
    [made] = UserProfile.objects.bulk_create([UserProfile(user=UserFactory(), phone_number="77")])
    assert UserProfile.objects.get(pk=made.pk).phone_number == "77"


def test_the_ciphertext_is_unreadable_without_the_key():
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    with connection.cursor() as cursor:
        with pytest.raises(OperationalError, match="Wrong key"), transaction.atomic():
            cursor.execute(
                f"SELECT pgp_sym_decrypt(phone_number, 'not-the-key')"
                f" FROM {UserProfile._meta.db_table} WHERE id = %s",
                [profile.pk],
            )
        with pytest.raises(OperationalError, match="Wrong key"), transaction.atomic():
            cursor.execute("SELECT set_config(%s, 'guess', true)", [KEY_SETTING])
            UserProfile.objects.get(pk=profile.pk)


def test_the_key_is_never_part_of_the_sql_text(settings):
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        UserProfile.objects.filter(pk=profile.pk).update(phone_number="+44 20 7946 0000")
        UserProfile.objects.get(pk=profile.pk)
    assert len(statements) == 2
    assert all(settings.ENCRYPTION_KEY not in sql for sql in statements)


def test_a_profile_is_found_by_phone_number_through_its_lookup_hash():
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    found = UserProfile.objects.get(phone_number_lookup=lookup_hash("+34600123456"))
    assert found == profile
    assert stored(UserProfile, "phone_number_lookup", profile.pk) == lookup_hash(PHONE)


def test_filtering_on_the_ciphertext_is_refused_with_a_pointer():
    with pytest.raises(FieldError):
        UserProfile.objects.filter(phone_number=PHONE).exists()
    assert UserProfile.objects.filter(phone_number__isnull=True).exists() in (True, False)


def test_payment_account_and_private_file_metadata_are_encrypted():
    payment = PaymentFactory(account_reference="ES91 2100 0418 4502 0005 1332")
    file = FileFactory(private_metadata='{"gps": "40.4,-3.7"}')
    assert b"2100" not in bytes(stored(Payment, "account_reference", payment.pk))
    assert b"gps" not in bytes(stored(type(file), "private_metadata", file.pk))
    assert (
        Payment.objects.get(account_reference_lookup=lookup_hash("es9121000418450200051332"))
        == payment
    )


def test_encrypted_values_never_reach_the_audit_log():
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    changes = AuditLog.objects.get(table_name="users.user_profiles", record_id=profile.pk).changes
    assert changes["phone_number"] == {"new": "[redacted]"}
    assert changes["phone_number_lookup"] == {"new": "[redacted]"}


@pytest.mark.django_db(transaction=True)
def test_rotating_the_keys_re_encrypts_and_rehashes(settings, monkeypatch, capsys):
    from django.core.management import CommandError, call_command

    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    old_key = settings.ENCRYPTION_KEY
    monkeypatch.setenv("PIKA_OLD_ENCRYPTION_KEY", "not-the-old-key")
    with pytest.raises(CommandError, match="does not decrypt"):
        call_command("rotate_encryption_keys")

    settings.ENCRYPTION_KEY, settings.LOOKUP_HASH_KEY = "new-encryption-key", "new-lookup-key"
    monkeypatch.setenv("PIKA_OLD_ENCRYPTION_KEY", old_key)
    call_command("rotate_encryption_keys")
    assert "users.user_profiles.phone_number: re-encrypted 1" in capsys.readouterr().out

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pgp_sym_decrypt(phone_number, %s) FROM {UserProfile._meta.db_table}"
            " WHERE id = %s",
            ["new-encryption-key", profile.pk],
        )
        assert cursor.fetchone()[0] == PHONE
        # What a process started with the new key sees; put the old one back afterwards,
        # as this pooled connection serves the following tests.
        cursor.execute("SELECT set_config(%s, %s, false)", [KEY_SETTING, "new-encryption-key"])
        try:
            assert UserProfile.objects.get(phone_number_lookup=lookup_hash(PHONE)).pk == profile.pk
            assert UserProfile.objects.get(pk=profile.pk).phone_number == PHONE
        finally:
            cursor.execute("SELECT set_config(%s, %s, false)", [KEY_SETTING, old_key])
