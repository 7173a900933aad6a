"""Domain errors: a stable snake_case code for programs, a sentence for people.

Services raise them; the API's exception handler (pika/api/errors.py) turns each into the
one error shape with the HTTP status its class names. Commands turn them into
``CommandError``.
"""

from django.db import DatabaseError


class DomainError(Exception):
    """A refusal by a business rule; ``code`` is stable, ``detail`` is for people."""

    status = 409

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


class NotFound(DomainError):
    """The thing does not exist, or the acting user may not know that it does."""

    status = 404


class Forbidden(DomainError):
    """The acting user sees the thing but may not do this to it."""

    status = 403


class Unauthenticated(DomainError):
    """The operation needs a signed-in user."""

    status = 401


class Invalid(DomainError):
    """The input breaks a rule about its own shape; ``fields`` names what is wrong."""

    status = 400

    def __init__(self, code: str, detail: str, fields: dict[str, list[str]] | None = None):
        super().__init__(code, detail)
        self.fields = fields or {}


# How the database's own refusals (marketplace.refuse: RAISE with the code as message)
# map onto the classes above; any other code is a 409.
REFUSAL_CLASSES = {
    "not_found": NotFound,
    "code_not_found": NotFound,
    "permission_denied": Forbidden,
    "not_authenticated": Unauthenticated,
    "idempotency_key_invalid": Invalid,
}


def refusal_from(error: DatabaseError) -> DomainError | None:
    """The domain error a database function raised (SQLSTATE P0001), if it is one."""
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    if diag is None or getattr(cause, "sqlstate", None) != "P0001":
        return None
    code = diag.message_primary or "refused"
    detail = diag.message_detail or code.replace("_", " ")
    return REFUSAL_CLASSES.get(code, DomainError)(code, detail)
