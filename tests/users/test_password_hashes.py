"""Passwords hashed by Django verify in SQL with pgcrypto's crypt(), and the other way round."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection

from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db

TABLE = User._meta.db_table


def test_the_seed_crypt_query_matches_a_password_set_through_django():
    user = User.objects.create_user("crypt@pika.example", "password123")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT password_hash FROM {TABLE} WHERE id = %s", [user.pk])
        assert cursor.fetchone()[0].startswith("$2a$")
    with connection.cursor() as cursor:
        # The seed's verification query, as written there.
        cursor.execute(
            f"""
            SELECT id FROM {TABLE}
            WHERE email = 'crypt@pika.example'
              AND password_hash = crypt('password123', password_hash);
            """
        )
        assert cursor.fetchone() == (user.pk,)
        cursor.execute(
            f"SELECT id FROM {TABLE} WHERE email = %s AND password_hash = crypt(%s, password_hash)",
            ["crypt@pika.example", "wrong"],
        )
        assert cursor.fetchone() is None


def test_django_accepts_a_hash_written_by_plain_sql():
    with connection.cursor() as cursor:
        # The seed's insert, with the names our model requires.
        cursor.execute(
            f"""
            INSERT INTO {TABLE} (email, password_hash)
            VALUES ('sql-user@pika.example', crypt('password123', gen_salt('bf')));
            """
        )
    assert authenticate(username="sql-user@pika.example", password="password123") is not None
    assert authenticate(username="sql-user@pika.example", password="password124") is None


def test_python_bcrypt_default_hashes_are_the_trap_this_avoids():
    import bcrypt

    b_hash = bcrypt.hashpw(b"password123", bcrypt.gensalt(4)).decode()
    assert b_hash.startswith("$2b$")
    with connection.cursor() as cursor:
        cursor.execute("SELECT crypt('password123', %s) = %s", [b_hash, b_hash])
        assert cursor.fetchone()[0] is not True


def test_an_old_work_factor_is_upgraded_on_login(settings):
    user = UserFactory()
    settings.PASSWORD_BCRYPT_ROUNDS = 5
    assert authenticate(username=user.email, password="correct horse battery staple")
    user.refresh_from_db()
    assert user.password.startswith("pgcrypto_bcrypt$$2a$05$")


def test_passwords_longer_than_bcrypt_reads_are_refused():
    with pytest.raises(ValidationError, match="too long"):
        validate_password("é" * 37)
