"""Who may reach the support schema's tables (see pika/db/access.py)."""

from pika.db.access import Access, Guard, own, perm

OWN_TICKET = (
    "EXISTS (SELECT FROM support.tickets t WHERE t.id = ticket_id AND t.requester_id = {me})"
)
# The requester's side of their own ticket: never internal notes, only their own words.
OWN_MESSAGE = f"author_id = {{me}} AND NOT is_internal AND {OWN_TICKET}"
STAFF = perm("support.change_ticket")

ACCESS = {
    "support.Ticket": Access(
        rules=(own("requester", ["SELECT", "INSERT", "UPDATE"], "requester_id = {me}"),),
        guards=(
            Guard("status", STAFF, "open"),
            Guard("priority", STAFF, "normal"),
            Guard("assignee_id", STAFF, None),
            Guard("resolved_at", STAFF, None),
            Guard("closed_at", STAFF, None),
        ),
    ),
    "support.TicketMessage": Access(
        rules=(
            own("requester", ["SELECT"], f"NOT is_internal AND {OWN_TICKET}"),
            own("author", ["INSERT", "UPDATE"], OWN_MESSAGE),
        ),
    ),
    "support.TicketAttachment": Access(
        rules=(
            own(
                "requester",
                ["SELECT"],
                "EXISTS (SELECT FROM support.ticket_messages m"
                " JOIN support.tickets t ON t.id = m.ticket_id"
                " WHERE m.id = message_id AND NOT m.is_internal AND t.requester_id = {me})",
            ),
            own(
                "author",
                ["INSERT"],
                None,
                "EXISTS (SELECT FROM support.ticket_messages m"
                " WHERE m.id = message_id AND m.author_id = {me} AND NOT m.is_internal)"
                " AND EXISTS (SELECT FROM files.files f"
                " WHERE f.id = file_id AND f.owner_id = {me})",
            ),
        ),
    ),
}
