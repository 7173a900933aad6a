"""Web sessions are reachable only by whoever holds the session key.

Attacks run on the real cluster: a request's SQL (application_role, no user) against the
table, a reader of the table or of a dump replaying what it read, and guessed keys; Django's
session semantics (login, logout, expiry, inactive users) go through the test client.
"""

import secrets
import zlib
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.core import signing
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from pika.sessions import SessionStore, session_key_hash
from tests.users.factories import UserFactory
from users.models import User, UserStatus

PASSWORD = "correct horse battery staple"
COOKIE = settings.SESSION_COOKIE_NAME
INSUFFICIENT_PRIVILEGE = "42501"
SESSION_FUNCTIONS = [
    "session_load",
    "session_exists",
    "session_create",
    "session_update",
    "session_delete",
]

pytestmark = pytest.mark.urls("tests.pika.session_urls")


def stored_sessions() -> dict[str, str]:
    """Every row of the session table, read as the owner (what a dump shows): key -> data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_key, session_data FROM public.django_session")
        return dict(cursor.fetchall())


def signed_payload(data: str) -> bytes:
    """What a reader of the table gets from signed session data, without the secret key."""
    encoded = data.split(":")[0]
    payload = signing.b64_decode(encoded.removeprefix(".").encode())
    return zlib.decompress(payload) if encoded.startswith(".") else payload


def log_in(client, user: User) -> str:
    """Log in through Django's LoginView and return the session key the cookie carries."""
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client.cookies[COOKIE].value


def me(client) -> dict:
    return client.get("/me/").json()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [APPLICATION_ROLE])
@pytest.mark.parametrize(
    "statement",
    [
        "SELECT session_key, session_data FROM public.django_session",
        "UPDATE public.django_session SET expire_date = now() + interval '1 year'",
        "DELETE FROM public.django_session",
        "INSERT INTO public.django_session VALUES ('chosen-by-the-attacker', 'x', now())",
    ],
)
def test_runtime_roles_may_not_touch_the_session_table(role, statement):
    SessionStore().create()
    with (
        acting_as(role=role),
        pytest.raises(DatabaseError) as refused,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert refused.value.__cause__.sqlstate == INSUFFICIENT_PRIVILEGE


@pytest.mark.django_db
def test_session_functions_are_locked_down_security_definers():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.proname, p.prosecdef, p.proconfig,
                array(SELECT DISTINCT coalesce(r.rolname, 'PUBLIC')
                      FROM aclexplode(p.proacl) AS a
                      LEFT JOIN pg_roles AS r ON r.oid = a.grantee
                      WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner
                      ORDER BY 1)
            FROM pg_proc AS p WHERE p.pronamespace = 'public'::regnamespace
                AND p.proname = ANY(%s)
            """,
            [SESSION_FUNCTIONS],
        )
        functions = {name: rest for name, *rest in cursor.fetchall()}
    assert sorted(functions) == sorted(SESSION_FUNCTIONS)
    for definer, config, executors in functions.values():
        assert definer
        assert config == ["search_path=pg_catalog, pg_temp"]
        assert executors == [APPLICATION_ROLE]


@pytest.mark.django_db(transaction=True)
def test_the_table_holds_no_raw_session_key(client):
    user = UserFactory()
    key = log_in(client, user)
    stored = stored_sessions()
    assert key not in stored
    assert session_key_hash(key) in stored
    (data,) = stored.values()
    payload = signed_payload(data)
    assert key.encode() not in payload
    # Signed, not encrypted: the owner of the session shows.
    assert str(user.pk).encode() in payload


@pytest.mark.django_db(transaction=True)
def test_a_stored_key_hash_or_a_guessed_key_opens_no_session(client):
    victim = UserFactory()
    key = log_in(client, victim)
    (stored_key,) = stored_sessions()

    # A reader of the table or a dump presents what it read, or guesses.
    for presented in (stored_key, secrets.token_hex(16)):
        client.cookies[COOKIE] = presented
        assert me(client)["authenticated"] is False
        with acting_as(role=APPLICATION_ROLE):
            store = SessionStore(presented)
            assert store.load() == {}
            assert store.session_key is None

    client.cookies[COOKIE] = key
    assert me(client)["user_id"] == str(victim.pk)


@pytest.mark.django_db(transaction=True)
def test_session_data_copied_under_another_key_opens_nothing(client):
    victim = UserFactory()
    log_in(client, victim)
    (victim_data,) = stored_sessions().values()

    # With the dump's data, a request's SQL makes a session under a key it holds.
    attacker_key = secrets.token_hex(16)
    with acting_as(role=APPLICATION_ROLE), connection.cursor() as cursor:
        cursor.execute(
            "SELECT public.session_create(%s, %s, now() + interval '1 day')",
            [session_key_hash(attacker_key), victim_data],
        )
        assert cursor.fetchone()[0] is True

    client.cookies[COOKIE] = attacker_key
    assert me(client)["authenticated"] is False


@pytest.mark.django_db(transaction=True)
def test_login_cycles_the_key_keeping_the_data_and_requests_stay_logged_in(client):
    anonymous = client.session
    anonymous["visits"] = 41
    anonymous.save()
    user = UserFactory()

    key = log_in(client, user)

    assert key != anonymous.session_key
    assert set(stored_sessions()) == {session_key_hash(key)}
    assert client.get("/visit/").json() == {
        "authenticated": True,
        "user_id": str(user.pk),
        "visits": 42,
        "db_user_id": str(user.pk),
        "role": APPLICATION_ROLE,
    }
    assert me(client)["visits"] == 42


@pytest.mark.django_db(transaction=True)
def test_logout_deletes_the_session_and_its_key_opens_nothing_after(client):
    key = log_in(client, UserFactory())

    client.post("/logout/")

    assert session_key_hash(key) not in stored_sessions()
    client.cookies[COOKIE] = key
    assert me(client)["authenticated"] is False


@pytest.mark.django_db(transaction=True)
def test_staff_log_out_of_the_admin(client):
    staff = UserFactory(is_staff=True)
    response = client.post(
        "/admin/login/", {"username": staff.email, "password": PASSWORD, "next": "/me/"}
    )
    assert response.status_code == 302, response.content[:500]
    key = client.cookies[COOKIE].value

    assert client.post("/admin/logout/").status_code == 200
    assert stored_sessions() == {}
    client.cookies[COOKIE] = key
    assert me(client)["authenticated"] is False


@pytest.mark.django_db(transaction=True)
def test_an_expired_session_opens_nothing_and_clearsessions_removes_it(client):
    expired_key = log_in(client, UserFactory())
    client.cookies.clear()
    live_key = log_in(client, UserFactory())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE public.django_session SET expire_date = now() - interval '1 second'"
            " WHERE session_key = %s",
            [session_key_hash(expired_key)],
        )

    client.cookies[COOKIE] = expired_key
    assert me(client)["authenticated"] is False
    call_command("clearsessions")

    assert set(stored_sessions()) == {session_key_hash(live_key)}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status", [UserStatus.BANNED, UserStatus.SUSPENDED])
def test_the_session_of_a_user_who_is_banned_no_longer_authenticates(client, status):
    user = UserFactory()
    log_in(client, user)
    assert me(client)["authenticated"] is True

    User.objects.filter(pk=user.pk).update(status=status)

    assert me(client)["authenticated"] is False


@pytest.mark.django_db(transaction=True)
def test_the_session_of_a_banned_user_no_longer_acts_as_them_in_the_database(client):
    user = UserFactory()
    log_in(client, user)
    assert me(client)["db_user_id"] == str(user.pk)

    User.objects.filter(pk=user.pk).update(status=UserStatus.BANNED)

    assert me(client)["db_user_id"] == ""


@pytest.mark.django_db
def test_creating_a_session_refuses_a_taken_key_and_updating_a_missing_one_fails():
    with acting_as(role=APPLICATION_ROLE):
        first = SessionStore()
        first.create()
        again = SessionStore(first.session_key)
        with pytest.raises(CreateError):
            again.save(must_create=True)
        assert again.exists(first.session_key)

        first.delete()
        assert not again.exists(first.session_key)
        with pytest.raises(UpdateError):
            again.save()


@pytest.mark.django_db
def test_async_sessions_save_load_and_delete_through_the_functions():
    with acting_as(role=APPLICATION_ROLE):
        store = SessionStore()
        store["visits"] = 7
        store.set_expiry(timezone.now() + timedelta(minutes=5))
        async_to_sync(store.asave)()
        key = store.session_key

        assert async_to_sync(SessionStore(key).aload)()["visits"] == 7
        async_to_sync(store.adelete)()
        assert not async_to_sync(store.aexists)(key)
