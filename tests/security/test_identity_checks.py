"""The identity and permission checks the policies call (security.0008): fast, and no weaker.

They are PL/pgSQL (each statement planned once per session, not on every call) but still
verify the signature on every call and read the grants as they stand: nothing is cached
between calls, so no cache can be written, replayed in another transaction or outlive a
revoked permission.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction

from business.models import StaffMembership
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from tests.business.factories import BusinessFactory
from tests.users.factories import UserFactory
from users.models import User, UserStatus

pytestmark = pytest.mark.django_db

CHECKS = {
    # name: (SECURITY DEFINER, EXECUTE for)
    "security.transaction_binding()": (False, [APPLICATION_ROLE]),
    "security.vouched(text,text)": (True, []),
    "security.current_identity()": (True, [APPLICATION_ROLE]),
    "security.current_user_id()": (False, [APPLICATION_ROLE]),
    "security.has_perm(text)": (True, [APPLICATION_ROLE]),
    "security.is_superuser()": (True, [APPLICATION_ROLE]),
    "security.is_business_staff(uuid,text[])": (True, [APPLICATION_ROLE]),
}


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _has_perm(perm):
    return _sql("SELECT security.has_perm(%s)", [perm])[0][0]


def test_the_checks_keep_definer_pinned_search_path_and_least_privilege():
    rows = _sql(
        """
        SELECT p.oid::regprocedure::text, p.prosecdef, p.proconfig,
            p.provolatile, p.proparallel, l.lanname,
            array(SELECT DISTINCT coalesce(r.rolname, 'PUBLIC')
                  FROM aclexplode(p.proacl) AS a
                  LEFT JOIN pg_roles AS r ON r.oid = a.grantee
                  WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner
                  ORDER BY 1)
        FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
        WHERE p.oid::regprocedure::text = ANY (%s)
        """,
        [list(CHECKS)],
    )
    found = {name: rest for name, *rest in rows}
    assert sorted(found) == sorted(CHECKS)
    for name, (definer, config, volatility, parallel, language, executors) in found.items():
        assert (definer, executors) == CHECKS[name], name
        assert config == ["search_path=pg_catalog, pg_temp"], name
        # Stable; unsafe in parallel: the identity check opens a subtransaction.
        assert (volatility, parallel) == ("s", "u"), name
        assert language == ("sql" if name == "security.transaction_binding()" else "plpgsql")


def test_permissions_direct_by_group_and_superuser_and_nothing_else():
    plain, direct, grouped, boss = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    view_user = Permission.objects.get(codename="view_user", content_type__app_label="users")
    direct.user_permissions.add(view_user)
    group = Group.objects.create(name="viewers")
    group.permissions.add(view_user)
    grouped.groups.add(group)
    boss.is_superuser = True
    boss.save()
    expected = {plain: False, direct: True, grouped: True, boss: True}
    for user, allowed in expected.items():
        with acting_as(user_id=user.pk, role=APPLICATION_ROLE):
            assert _has_perm("users.view_user") is allowed
            # Another permission, or the same codename under another app label: no.
            assert _has_perm("users.delete_user") is (user is boss)
            assert _has_perm("auth.view_user") is (user is boss)
            assert _sql("SELECT security.is_superuser()")[0][0] is (user is boss)
    User.objects.filter(pk=boss.pk).update(status=UserStatus.SUSPENDED)
    with acting_as(user_id=boss.pk, role=APPLICATION_ROLE):
        assert _has_perm("users.view_user") is False


def test_a_forged_user_id_gains_neither_permission_nor_business():
    customer, boss = UserFactory(), UserFactory(is_superuser=True)
    business = BusinessFactory()
    StaffMembership.objects.create(business=business, user=boss, role="owner")
    with acting_as(user_id=customer.pk, role=APPLICATION_ROLE):
        _sql("SELECT set_config('app.user_id', %s, true)", [str(boss.pk)])
        assert _has_perm("users.view_user") is False
        assert _sql("SELECT security.is_superuser()") == [(False,)]
        assert _sql("SELECT security.is_business_staff(%s)", [business.pk]) == [(False,)]
    with acting_as(user_id=boss.pk, role=APPLICATION_ROLE):
        assert _sql("SELECT security.is_business_staff(%s)", [business.pk]) == [(True,)]
        assert _sql("SELECT security.is_business_staff(%s, '{manager}')", [business.pk]) == [
            (False,)
        ]


def test_without_the_signing_key_no_identity_counts():
    """Fail closed: a missing key made the old check NULL, which let any claim through."""
    boss = UserFactory(is_superuser=True)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM security.identity_secret")
        with acting_as(role=APPLICATION_ROLE):
            _sql(
                "SELECT set_config('app.user_id', %s, true),"
                " set_config('app.identity', 'anything', true)",
                [str(boss.pk)],
            )
            assert _sql("SELECT security.current_user_id()") == [(None,)]
            assert _has_perm("users.view_user") is False
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_a_permission_revoked_mid_session_is_honoured_by_the_next_transaction():
    staff = UserFactory()
    view_user = Permission.objects.get(codename="view_user", content_type__app_label="users")
    staff.user_permissions.add(view_user)
    for _ in range(8):  # past the plan cache's custom plans: the generic plan is in use
        with acting_as(user_id=staff.pk, role=APPLICATION_ROLE):
            assert _has_perm("users.view_user") is True
    staff.user_permissions.remove(view_user)  # committed, same connection and session
    with acting_as(user_id=staff.pk, role=APPLICATION_ROLE):
        assert _has_perm("users.view_user") is False
        assert _sql('SELECT count(*) FROM "users"."users"') == [(1,)]  # their own row only


@pytest.mark.django_db(transaction=True)
def test_a_check_passed_in_one_transaction_does_not_serve_the_next():
    staff = UserFactory(is_superuser=True)
    with acting_as(user_id=staff.pk, role=APPLICATION_ROLE):
        assert _has_perm("users.view_user") is True
        (proof,) = _sql("SELECT current_setting('app.identity')")[0]
    with acting_as(role=APPLICATION_ROLE):
        _sql(
            "SELECT set_config('app.user_id', %s, true), set_config('app.identity', %s, true)",
            [str(staff.pk), proof],
        )
        assert _has_perm("users.view_user") is False
        assert _sql("SELECT security.current_user_id()") == [(None,)]


def test_a_query_the_planner_would_run_in_parallel_still_checks_permissions():
    """A policy's permission check inside a plan that could go parallel must not fail with
    "cannot start subtransactions during a parallel operation"."""
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    UserFactory.create_batch(3)
    with acting_as(role=APPLICATION_ROLE, user_id=staff.pk), connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0;"
            " SET LOCAL min_parallel_table_scan_size = 0; SET LOCAL force_parallel_mode = on"
        )
        cursor.execute("SELECT count(*) FROM users.users")
        assert cursor.fetchone()[0] == 4
