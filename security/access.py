"""Who may reach the security schema's tables (see pika/db/access.py)."""

from pika.db.access import NOBODY, SUPERUSER, Access, own, perm, public_read

# Role grants, like Django's group and permission grants, are a superuser's alone.
SUPERUSER_WRITES = {"INSERT": (SUPERUSER,), "UPDATE": (SUPERUSER,), "DELETE": (SUPERUSER,)}

ACCESS = {
    "security.Permission": Access(rules=(public_read(),)),
    "security.Role": Access(rules=(public_read(),)),
    "security.Role_permissions": Access(
        rules=(public_read(),),
        perms={"SELECT": (perm("security.view_role"),), **SUPERUSER_WRITES},
    ),
    "security.RoleAssignment": Access(
        rules=(own("holder", ["SELECT"], "user_id = {me}"),), perms=SUPERUSER_WRITES
    ),
    "security.ApiKey": Access(
        rules=(own("own", ["SELECT", "INSERT", "UPDATE", "DELETE"], "owner_id = {me}"),),
    ),
    # An append-only stream: anyone may report an event about themselves (or nobody) and
    # read those about themselves; staff with the permission read all; nobody rewrites it.
    "security.SecurityEvent": Access(
        rules=(
            own("report", ["INSERT"], None, "user_id IS NULL OR user_id = {me}"),
            own("own", ["SELECT"], "user_id = {me}"),
        ),
        perms={"UPDATE": (NOBODY,), "DELETE": (NOBODY,)},
    ),
}
