"""Who may reach the users schema's tables (see pika/db/access.py)."""

from pika.db.access import SUPERUSER, Access, Guard, own, perm

OWN_FILE = "EXISTS (SELECT FROM files.files f WHERE f.id = avatar_id AND f.owner_id = {me})"
# Group and permission grants: read by their holder (Django checks its own permissions),
# written by superusers only, so that no staff user can raise their own permissions.
GRANTS = Access(
    rules=(own("holder", ["SELECT"], "user_id = {me}"),),
    perms={
        "SELECT": (perm("users.view_user"), perm("users.change_user")),
        "INSERT": (SUPERUSER,),
        "UPDATE": (SUPERUSER,),
        "DELETE": (SUPERUSER,),
    },
)

ACCESS = {
    "users.User": Access(
        # Named as the seed names its policy (users_isolation_<command> here).
        rules=(own("users_isolation", ["SELECT", "UPDATE"], "id = {me}"),),
        guards=(
            Guard("is_superuser", SUPERUSER, False),
            Guard("is_staff", SUPERUSER, False),
            Guard("role", perm("users.change_user"), "customer"),
            Guard("status", perm("users.change_user"), "unconfirmed"),
        ),
    ),
    "users.User_groups": GRANTS,
    "users.User_user_permissions": GRANTS,
    "users.UserProfile": Access(
        rules=(
            own(
                "own",
                ["SELECT", "INSERT", "UPDATE", "DELETE"],
                "user_id = {me}",
                f"user_id = {{me}} AND (avatar_id IS NULL OR {OWN_FILE})",
            ),
        ),
    ),
    "users.UserPreferences": Access(
        rules=(
            own(
                "user_preferences_policy",
                ["SELECT", "INSERT", "UPDATE", "DELETE"],
                "user_id = {me}",
            ),
        ),
    ),
    "users.Address": Access(
        rules=(own("own", ["SELECT", "INSERT", "UPDATE", "DELETE"], "user_id = {me}"),),
    ),
}
