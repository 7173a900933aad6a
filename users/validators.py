"""Password rules that follow from how passwords are hashed."""

from django.core.exceptions import ValidationError

from users.hashers import MAX_PASSWORD_BYTES


class BcryptMaximumLengthValidator:
    """bcrypt (and pgcrypto's crypt) read only the first 72 bytes: refuse longer passwords."""

    def validate(self, password, user=None):
        if len(password.encode()) > MAX_PASSWORD_BYTES:
            raise ValidationError(
                f"This password is too long: at most {MAX_PASSWORD_BYTES} bytes.",
                code="password_too_long",
            )

    def get_help_text(self):
        return f"Your password can be at most {MAX_PASSWORD_BYTES} bytes long."
