"""Who may reach Django's own tables in the public schema (see pika/db/access.py).

``django_session`` is reached only through its SECURITY DEFINER functions, and
``django_migrations`` not at all: neither is declared here.
"""

from pika.db.access import NOBODY, SUPERUSER, Access, own, public_read

ACCESS = {
    "contenttypes.ContentType": Access(rules=(public_read(),)),
    "auth.Permission": Access(rules=(public_read(),)),
    "auth.Group": Access(rules=(public_read(),)),
    # Adding a permission to a group one belongs to would raise one's own permissions.
    "auth.Group_permissions": Access(
        rules=(public_read(),),
        perms={"INSERT": (SUPERUSER,), "UPDATE": (SUPERUSER,), "DELETE": (SUPERUSER,)},
    ),
    # The admin's "recent actions": each staff user writes and reads their own.
    "admin.LogEntry": Access(
        rules=(own("own", ["SELECT", "INSERT"], "user_id = {me}"),),
        perms={"UPDATE": (NOBODY,), "DELETE": (NOBODY,)},
    ),
}
