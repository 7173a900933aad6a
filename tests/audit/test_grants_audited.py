"""Granting permissions or groups leaves a trace naming both sides and who granted."""

import pytest
from django.contrib.auth.models import Group, Permission

from audit.models import AuditLog
from pika.db.context import acting_as
from security.models import Permission as RolePermission
from security.models import Role
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_permission_and_group_grants_and_revocations_are_logged_with_both_keys():
    admin, user = UserFactory(), UserFactory()
    permission = Permission.objects.get(content_type__app_label="users", codename="view_user")
    group = Group.objects.create(name="auditors")
    role = Role.objects.create(name="refunder")
    role_permission = RolePermission.objects.create(codename="payment.refund")
    with acting_as(user_id=admin.pk, ip_address="203.0.113.8"):
        user.user_permissions.add(permission)
        user.groups.add(group)
        group.permissions.add(permission)
        role.permissions.add(role_permission)
        user.user_permissions.remove(permission)
    expected = [
        (
            "INSERT",
            "users.user_permissions",
            {"user_id": str(user.pk), "permission_id": permission.pk},
        ),
        ("INSERT", "users.user_groups", {"user_id": str(user.pk), "group_id": group.pk}),
        (
            "INSERT",
            "public.auth_group_permissions",
            {"group_id": group.pk, "permission_id": permission.pk},
        ),
        (
            "INSERT",
            "security.role_permissions",
            {"role_id": str(role.pk), "permission_id": str(role_permission.pk)},
        ),
        (
            "DELETE",
            "users.user_permissions",
            {"user_id": str(user.pk), "permission_id": permission.pk},
        ),
    ]
    logged = []
    for action, table, keys in expected:
        log = AuditLog.objects.get(action=action, table_name=table)
        side = "new" if action == "INSERT" else "old"
        logged.append(
            (
                action,
                table,
                {key: log.changes[key][side] for key in keys},
                log.user_id,
                log.ip_address,
            )
        )
    assert logged == [(*row, admin.pk, "203.0.113.8") for row in expected]
