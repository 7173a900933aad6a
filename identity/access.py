"""Who may reach the identity schema's tables (see pika/db/access.py)."""

from pika.db.access import Access, own

ACCESS = {
    # A user may see and end their own sessions, and open one (an API token, issued
    # once the password has been checked) for themselves alone.
    "identity.Session": Access(
        rules=(own("own", ["SELECT", "INSERT", "UPDATE", "DELETE"], "user_id = {me}"),),
    ),
    # Tokens are issued and spent by services: the user may only see theirs exist.
    "identity.OneTimeToken": Access(rules=(own("own", ["SELECT"], "user_id = {me}"),)),
    # Linking a provider account is a service's job (it proves the link); unlinking is the
    # user's own.
    "identity.ExternalIdentity": Access(
        rules=(own("own", ["SELECT", "DELETE"], "user_id = {me}"),),
    ),
}
