"""The longest password the store takes: checked before anything hashes it, wherever one arrives.

Django bounds nothing (PBKDF2 hashes megabytes as readily as a word), so a 14 MB password would cost the server a
hash of 14 MB on every try. 128 characters is room for any passphrase or password manager.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PASSWORD_LENGTH = 128


def password_problem(password: str) -> str | None:
    """Why the store refuses this password before hashing it, or None."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("The password is longer than %(max)d characters.") % {"max": MAX_PASSWORD_LENGTH}
    if "\x00" in password or not _encodable(password):
        return _("The password contains a character that cannot be used.")
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate, which no hasher can take
        return False
    return True


class MaximumLengthValidator:
    """For AUTH_PASSWORD_VALIDATORS: the admin's password forms refuse what sign-in would refuse."""

    def validate(self, password: str, user=None) -> None:
        problem = password_problem(password)
        if problem:
            raise ValidationError(problem, code="password_too_long")

    def get_help_text(self) -> str:
        return _("Your password can’t be longer than %(max)d characters.") % {"max": MAX_PASSWORD_LENGTH}
