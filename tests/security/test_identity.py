"""SQL run inside a request cannot pose as another user: identities are vouched for.

The settings app.user_id, app.ip_address and app.user_agent are free for any SQL to
change; they count only with app.identity, the web process's signature bound to this
server process and this transaction.
"""

import pytest
from django.conf import settings
from django.db import connection, transaction

from pika.db.context import acting_as
from pika.db.identity import identity_secret, identity_secret_install, vouch
from pika.db.security import APPLICATION_ROLE
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


@pytest.fixture
def alice_and_bob():
    return UserFactory(), UserFactory()


def test_setting_the_user_id_by_hand_shows_nobodys_rows(alice_and_bob):
    alice, bob = alice_and_bob
    with acting_as(user_id=alice.pk, role=APPLICATION_ROLE):
        assert list(User.objects.values_list("pk", flat=True)) == [alice.pk]
        _sql("SELECT set_config('app.user_id', %s, true)", [str(bob.pk)])
        assert _sql("SELECT security.current_user_id()") == [(None,)]
        assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_signature_from_another_transaction_does_not_replay(alice_and_bob):
    alice, _ = alice_and_bob
    with acting_as(user_id=alice.pk, role=APPLICATION_ROLE):
        (token,) = _sql("SELECT current_setting('app.identity')")[0]
    with acting_as(role=APPLICATION_ROLE):
        _sql(
            "SELECT set_config('app.user_id', %s, true), set_config('app.identity', %s, true)",
            [str(alice.pk), token],
        )
        assert not User.objects.exists()


def test_a_vouched_identity_is_accepted(alice_and_bob):
    alice, _ = alice_and_bob
    with acting_as(user_id=alice.pk, ip_address="192.0.2.7", user_agent="ua"):
        assert _sql("SELECT * FROM security.current_identity()") == [(alice.pk, "192.0.2.7", "ua")]


def test_the_ip_address_and_user_agent_are_signed_too(alice_and_bob):
    alice, _ = alice_and_bob
    with acting_as(user_id=alice.pk, ip_address="192.0.2.7", role=APPLICATION_ROLE):
        _sql("SELECT set_config('app.ip_address', '198.51.100.1', true)")
        assert _sql("SELECT * FROM security.current_identity()") == [(None, None, None)]


def test_the_runtime_role_cannot_read_the_signing_secret():
    with (
        pytest.raises(Exception, match="permission denied"),
        acting_as(role=APPLICATION_ROLE),
    ):
        _sql("SELECT secret FROM security.identity_secret")


def test_login_lookup_answers_only_for_the_email_being_vouched_for(alice_and_bob):
    alice, bob = alice_and_bob
    with acting_as(role=APPLICATION_ROLE), connection.cursor() as cursor:
        proof = vouch(cursor, "login", alice.email)
        assert _sql("SELECT users.login_lookup(%s, %s)", [alice.email, proof]) == [(alice.pk,)]
        # The same proof does not open another email, and no proof opens none.
        assert _sql("SELECT users.login_lookup(%s, %s)", [bob.email, proof]) == [(None,)]
        assert _sql("SELECT users.login_lookup(%s, '')", [bob.email]) == [(None,)]


@pytest.mark.django_db(transaction=True)
def test_on_the_web_login_a_forged_identity_sees_nothing_and_a_vouched_one_sees_its_row(
    web_login, settings
):
    alice = UserFactory()
    web_login.autocommit = False
    web_login.execute(f"SET LOCAL ROLE {APPLICATION_ROLE}")
    web_login.execute("SELECT set_config('app.user_id', %s, true)", [str(alice.pk)])
    assert web_login.execute('SELECT count(*) FROM "users"."users"').fetchone() == (0,)

    class Cursor:  # vouch() asks its cursor for this transaction's binding
        def execute(self, sql):
            self.row = web_login.execute(sql).fetchone()

        def fetchone(self):
            return self.row

    proof = vouch(Cursor(), str(alice.pk), "", "")
    web_login.execute("SELECT set_config('app.identity', %s, true)", [proof])
    assert web_login.execute('SELECT count(*) FROM "users"."users"').fetchone() == (1,)
    web_login.rollback()


def test_the_owner_session_is_trusted_unsigned_only_without_set_role(alice_and_bob):
    alice, _ = alice_and_bob
    with transaction.atomic():
        _sql("SELECT set_config('app.user_id', %s, true)", [str(alice.pk)])
        assert _sql("SELECT security.current_user_id()") == [(alice.pk,)]
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {APPLICATION_ROLE}")
        assert _sql("SELECT security.current_user_id()") == [(None,)]


def test_installing_the_signing_key_leaves_it_out_of_the_server_log(server_log):
    with transaction.atomic():
        identity_secret_install(connection)
        assert _sql("SELECT secret FROM security.identity_secret") == [(identity_secret().hex(),)]
    log = server_log.text()
    assert "COPY" in log, "the install was logged, so the log was on"
    assert identity_secret().hex() not in log
    assert settings.IDENTITY_KEY not in log


def test_no_setting_a_runtime_role_can_read_holds_the_signing_key():
    with acting_as(role=APPLICATION_ROLE):
        values = [value for (value,) in _sql("SELECT setting FROM pg_settings")]
    assert not [value for value in values if value and identity_secret().hex() in value]
