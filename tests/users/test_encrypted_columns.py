"""Personal columns are encrypted in Python (AES-256-GCM) and found through keyed hashes.

What the database holds is opaque: a dump, or anyone reading the columns, sees ciphertext
that no other key opens and that opens in no other column.
"""

import json
import subprocess

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from audit.models import AuditLog
from files.models import File
from payments.models import Payment
from pika.db.ciphertext import DecryptionFailed
from pika.db.encryption import lookup_hash
from tests.files.factories import FileFactory
from tests.payments.factories import PaymentFactory
from tests.users.factories import UserFactory
from users.models import UserProfile

pytestmark = pytest.mark.django_db

PHONE = "+34 600 123 456"


def stored(model, column, pk):
    """The column's bytes as the owner (or a dump) reads them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_a_phone_number_is_stored_encrypted_and_read_back_in_clear():
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    raw = bytes(stored(UserProfile, "phone_number", profile.pk))
    assert PHONE.encode() not in raw
    assert UserProfile.objects.get(pk=profile.pk).phone_number == PHONE
    assert UserProfile.objects.values_list("phone_number", flat=True).get(pk=profile.pk) == PHONE


def test_the_same_value_encrypts_differently_each_time():
    first = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    second = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    assert stored(UserProfile, "phone_number", first.pk) != stored(
        UserProfile, "phone_number", second.pk
    )


def test_queryset_update_bulk_create_and_loaddata_encrypt_too(tmp_path):
    profile = UserProfile.objects.create(user=UserFactory())
    UserProfile.objects.filter(pk=profile.pk).update(phone_number="+1 555 0100")
    assert b"555" not in bytes(stored(UserProfile, "phone_number", profile.pk))
    assert UserProfile.objects.get(pk=profile.pk).phone_number == "+1 555 0100"

    [made] = UserProfile.objects.bulk_create([UserProfile(user=UserFactory(), phone_number="7788")])
    assert b"7788" not in bytes(stored(UserProfile, "phone_number", made.pk))
    assert UserProfile.objects.get(pk=made.pk).phone_number == "7788"

    fixture = tmp_path / "profile.json"
    row = {"model": "users.userprofile", "pk": str(made.pk)}
    row["fields"] = {"user": str(made.user_id), "phone_number": "+33 1 99 00 11 22"}
    fixture.write_text(json.dumps([row]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert b"99 00" not in bytes(stored(UserProfile, "phone_number", made.pk))
    assert UserProfile.objects.get(pk=made.pk).phone_number == "+33 1 99 00 11 22"


def test_the_ciphertext_does_not_open_under_another_key(settings):
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    settings.ENCRYPTION_KEY = "an-attackers-guess"
    with pytest.raises(DecryptionFailed, match="another key"):
        UserProfile.objects.get(pk=profile.pk)


def test_a_ciphertext_copied_into_another_encrypted_column_does_not_open_there():
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    payment = PaymentFactory(account_reference="ES91 2100 0418 4502 0005 1332")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Payment._meta.db_table} SET account_reference = "
            f"(SELECT phone_number FROM {UserProfile._meta.db_table} WHERE id = %s)"
            " WHERE id = %s",
            [profile.pk, payment.pk],
        )
    with pytest.raises(DecryptionFailed, match="copied from another column"):
        Payment.objects.get(pk=payment.pk)


def test_an_altered_ciphertext_does_not_open():
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    with connection.cursor() as cursor:
        # Flip one bit of the last byte (the authentication tag).
        cursor.execute(
            f"UPDATE {UserProfile._meta.db_table} SET phone_number = set_byte(phone_number,"
            " length(phone_number) - 1, get_byte(phone_number, length(phone_number) - 1) # 1)"
            " WHERE id = %s",
            [profile.pk],
        )
    with pytest.raises(DecryptionFailed, match="does not authenticate"):
        UserProfile.objects.get(pk=profile.pk)


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_holds_neither_plaintext_nor_key(settings):
    UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    PaymentFactory(account_reference="ES91 2100 0418 4502 0005 1332")
    FileFactory(private_metadata='{"gps": "40.4,-3.7"}')
    database = connection.settings_dict
    dump = subprocess.run(
        [
            f"/usr/lib/postgresql/{connection.pg_version // 10000}/bin/pg_dump",
            "--data-only",
            *(f"--table={model._meta.db_table}" for model in (UserProfile, Payment, File)),
            f"--host={database['HOST']}",
            f"--port={database['PORT']}",
            f"--username={database['USER']}",
            database["NAME"],
        ],
        env={"PGPASSWORD": database["PASSWORD"]},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "COPY users.user_profiles" in dump
    for secret in (PHONE, "600 123", "2100 0418", "40.4,-3.7", settings.ENCRYPTION_KEY):
        assert secret not in dump


def test_the_key_and_the_plaintext_are_never_part_of_a_statement_or_its_parameters(settings):
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(repr((sql, params)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        UserProfile.objects.filter(pk=profile.pk).update(phone_number="+44 20 7946 0000")
        UserProfile.objects.create(user=UserFactory(), phone_number="+44 20 7946 0001")
        UserProfile.objects.get(pk=profile.pk)
    assert any("user_profiles" in statement for statement in sent)
    for statement in sent:
        assert settings.ENCRYPTION_KEY not in statement
        # The plaintexts as given and as normalized; a bare "7946" can turn up in a random
        # UUID or in base64 ciphertext.
        for plaintext in ("20 7946 000", "+4420794600"):
            assert plaintext not in statement


def test_a_profile_is_found_by_phone_number_through_its_lookup_hash():
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    found = UserProfile.objects.get(phone_number_lookup=lookup_hash("+34600123456"))
    assert found == profile
    assert stored(UserProfile, "phone_number_lookup", profile.pk) == lookup_hash(PHONE)


def test_filtering_on_the_ciphertext_is_refused_with_a_pointer():
    with pytest.raises(FieldError):
        UserProfile.objects.filter(phone_number=PHONE).exists()
    UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    assert UserProfile.objects.filter(phone_number__isnull=False).count() == 1


def test_payment_account_and_private_file_metadata_are_encrypted():
    payment = PaymentFactory(account_reference="ES91 2100 0418 4502 0005 1332")
    file = FileFactory(private_metadata='{"gps": "40.4,-3.7"}')
    assert b"2100" not in bytes(stored(Payment, "account_reference", payment.pk))
    assert b"gps" not in bytes(stored(File, "private_metadata", file.pk))
    assert File.objects.get(pk=file.pk).private_metadata == '{"gps": "40.4,-3.7"}'
    assert (
        Payment.objects.get(account_reference_lookup=lookup_hash("es9121000418450200051332"))
        == payment
    )


def test_encrypted_values_never_reach_the_audit_log():
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    changes = AuditLog.objects.get(table_name="users.user_profiles", record_id=profile.pk).changes
    assert changes["phone_number"] == {"new": "[redacted]"}
    assert changes["phone_number_lookup"] == {"new": "[redacted]"}
