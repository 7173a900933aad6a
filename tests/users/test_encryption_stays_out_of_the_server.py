"""Neither the encryption key nor an encrypted column's plaintext ever reaches PostgreSQL.

Each test looks where an attacker with access to the server would: its log (with every
statement logged, and at default settings where failing statements are), pg_stat_activity,
and the settings a runtime role can read.
"""

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from pika.db.encryption import lookup_hash
from tests.users.factories import UserFactory
from users.models import UserProfile

pytestmark = pytest.mark.django_db

PHONE = "+34 600 123 456"
OTHER_PHONE = "+34 611 987 654"
# The forms a phone number may take in a statement: as typed, and normalised.
LEAKS = (PHONE, "600 123 456", "600123456", OTHER_PHONE, "611 987 654", "611987654")


def assert_no_secret_in(text: str, encryption_key: str) -> None:
    assert encryption_key not in text
    for leak in LEAKS:
        assert leak not in text


def test_saving_updating_and_filtering_log_neither_plaintext_nor_key(server_log, settings):
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    UserProfile.objects.filter(pk=profile.pk).update(phone_number=OTHER_PHONE)
    profile.refresh_from_db()
    profile.phone_number = PHONE
    profile.save()
    UserProfile.objects.bulk_create([UserProfile(user=UserFactory(), phone_number=OTHER_PHONE)])
    assert UserProfile.objects.get(phone_number_lookup=lookup_hash(PHONE)).phone_number == PHONE
    assert UserProfile.objects.filter(phone_number__isnull=False).count() == 2

    log = server_log.text()
    assert 'INSERT INTO "users"."user_profiles"' in log
    assert 'UPDATE "users"."user_profiles"' in log
    assert_no_secret_in(log, settings.ENCRYPTION_KEY)


@pytest.mark.parametrize("server_log", ["none", "all"], indirect=True)
def test_a_failing_insert_does_not_log_the_value_it_carried(server_log, settings):
    user = UserFactory()
    UserProfile.objects.create(user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserProfile.objects.create(user=user, phone_number=PHONE)  # one profile per user

    log = server_log.text()
    assert 'STATEMENT:  INSERT INTO "users"."user_profiles"' in log
    assert_no_secret_in(log, settings.ENCRYPTION_KEY)


@pytest.mark.django_db(transaction=True)
def test_pg_stat_activity_shows_neither_plaintext_nor_key(settings):
    # Fresh server connections: what the pool runs when it opens one is visible too.
    connection.close()
    connection.close_pool()
    profile = UserProfile.objects.create(user=UserFactory(), phone_number=PHONE)
    UserProfile.objects.filter(pk=profile.pk).update(phone_number=OTHER_PHONE)

    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        password=database["PASSWORD"],
        dbname=database["NAME"],
    ) as owner:
        queries = [
            query
            for [query] in owner.execute(
                "SELECT query FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
        ]
    assert any('UPDATE "users"."user_profiles"' in query for query in queries)
    assert_no_secret_in("\n".join(queries), settings.ENCRYPTION_KEY)


@pytest.mark.parametrize("role", [None, "application_role"])
def test_no_setting_a_runtime_role_can_read_holds_the_key(role, settings):
    with connection.cursor() as cursor:
        if role:
            cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute("SELECT current_user, current_setting('pika.encryption_key', true)")
        current_user, key_setting = cursor.fetchone()
        cursor.execute("SELECT name, setting FROM pg_settings")
        readable = cursor.fetchall()
    assert current_user == (role or connection.settings_dict["USER"])
    assert not key_setting
    assert readable
    assert not [name for name, value in readable if settings.ENCRYPTION_KEY in (value or "")]
