"""rotate_encryption_keys re-encrypts in Python, all or nothing, with keys from the environment."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from files.models import File
from payments.models import Payment
from pika.db.ciphertext import DecryptionFailed, column_key, key_id_of
from pika.db.encryption import lookup_hash
from tests.files.factories import FileFactory
from tests.payments.factories import PaymentFactory
from tests.users.factories import UserFactory
from users.models import UserProfile

PHONE = "+34 600 123 456"
ACCOUNT = "ES91 2100 0418 4502 0005 1332"
NEW_KEY, NEW_LOOKUP_KEY = "the-new-encryption-key", "the-new-lookup-hash-key"


def stored_columns() -> dict[str, list]:
    """Every encrypted and lookup hash value, as the database holds it."""
    with connection.cursor() as cursor:
        columns = {}
        for model, column in (
            (UserProfile, "phone_number"),
            (UserProfile, "phone_number_lookup"),
            (Payment, "account_reference"),
            (Payment, "account_reference_lookup"),
            (File, "private_metadata"),
        ):
            cursor.execute(f"SELECT {column} FROM {model._meta.db_table} ORDER BY id")
            columns[column] = [value for [value] in cursor.fetchall()]
        return columns


@pytest.fixture
def encrypted_rows(db):
    profiles = [UserProfile.objects.create(user=UserFactory(), phone_number=PHONE) for _ in "ab"]
    payment = PaymentFactory(account_reference=ACCOUNT)
    file = FileFactory(private_metadata="secret metadata")
    return profiles, payment, file


def rotate_to_new_keys(settings, monkeypatch, old_key: str, **options) -> None:
    monkeypatch.setenv("PIKA_OLD_ENCRYPTION_KEY", old_key)
    settings.ENCRYPTION_KEY, settings.LOOKUP_HASH_KEY = NEW_KEY, NEW_LOOKUP_KEY
    call_command("rotate_encryption_keys", **options)


@pytest.mark.django_db
def test_rotating_re_encrypts_every_column_and_rehashes_under_the_new_keys(
    encrypted_rows, settings, monkeypatch, capsys
):
    [profile, _], payment, file = encrypted_rows
    old_key, old_hash = settings.ENCRYPTION_KEY, lookup_hash(PHONE)
    rotate_to_new_keys(settings, monkeypatch, old_key, batch_size=1)

    out = capsys.readouterr().out
    assert "users.user_profiles: 1/2 rows" in out
    assert "users.user_profiles: 2/2 rows" in out
    assert "files.files: 1 rows rewritten" in out
    new_key_id = column_key(NEW_KEY).key_id
    for column in ("phone_number", "account_reference", "private_metadata"):
        assert all(key_id_of(value) == new_key_id for value in stored_columns()[column])
    assert lookup_hash(PHONE) != old_hash
    assert UserProfile.objects.get(pk=profile.pk, phone_number_lookup=lookup_hash(PHONE))
    assert UserProfile.objects.get(pk=profile.pk).phone_number == PHONE
    assert Payment.objects.get(pk=payment.pk).account_reference == ACCOUNT
    assert File.objects.get(pk=file.pk).private_metadata == "secret metadata"
    settings.ENCRYPTION_KEY = old_key
    with pytest.raises(DecryptionFailed):
        UserProfile.objects.get(pk=profile.pk)


@pytest.mark.django_db
def test_rotating_twice_is_harmless(encrypted_rows, settings, monkeypatch):
    old_key = settings.ENCRYPTION_KEY
    rotate_to_new_keys(settings, monkeypatch, old_key)
    rotate_to_new_keys(settings, monkeypatch, old_key)
    assert UserProfile.objects.get(pk=encrypted_rows[0][0].pk).phone_number == PHONE


@pytest.mark.django_db
def test_a_wrong_old_key_changes_nothing_and_says_so(encrypted_rows, settings, monkeypatch):
    before = stored_columns()
    with pytest.raises(CommandError, match=r"does not decrypt the data.*nothing was changed"):
        rotate_to_new_keys(settings, monkeypatch, "not-the-old-key")
    assert stored_columns() == before


@pytest.mark.django_db(transaction=True)
def test_a_value_no_key_opens_rolls_back_the_tables_already_rewritten(
    settings, monkeypatch, capsys
):
    old_key = settings.ENCRYPTION_KEY
    UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    PaymentFactory(account_reference=ACCOUNT)
    settings.ENCRYPTION_KEY = "a-third-key"
    FileFactory(private_metadata="under a key nobody has")  # files come after users, payments
    settings.ENCRYPTION_KEY = old_key
    before = stored_columns()

    with pytest.raises(CommandError, match=r"files\.files\.private_metadata"):
        rotate_to_new_keys(settings, monkeypatch, old_key)
    assert "users.user_profiles: 1 rows rewritten" in capsys.readouterr().out
    assert stored_columns() == before


@pytest.mark.parametrize("server_log", ["none", "all"], indirect=True)
@pytest.mark.django_db
def test_rotations_log_neither_keys_nor_plaintext(
    encrypted_rows, server_log, settings, monkeypatch
):
    old_key = settings.ENCRYPTION_KEY
    with pytest.raises(CommandError):
        rotate_to_new_keys(settings, monkeypatch, "a-wrong-old-key")
    settings.ENCRYPTION_KEY = old_key
    rotate_to_new_keys(settings, monkeypatch, old_key)

    log = server_log.text()
    if server_log.log_statement == "all":
        assert 'UPDATE "users"."user_profiles"' in log
    for secret in (old_key, "a-wrong-old-key", NEW_KEY, NEW_LOOKUP_KEY, PHONE, "2100 0418"):
        assert secret not in log


@pytest.mark.django_db
def test_the_old_key_must_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("PIKA_OLD_ENCRYPTION_KEY", raising=False)
    with pytest.raises(CommandError, match="set PIKA_OLD_ENCRYPTION_KEY"):
        call_command("rotate_encryption_keys")
    monkeypatch.setenv("PIKA_OLD_ENCRYPTION_KEY", "x")
    with pytest.raises(CommandError, match="--batch-size"):
        call_command("rotate_encryption_keys", batch_size=0)
