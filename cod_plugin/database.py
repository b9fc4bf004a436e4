"""What the database's own errors mean to a caller: busy or locked (worth a retry), or not."""

from django.db import OperationalError

# PostgreSQL's SQLSTATEs for a writer that met another: serialization_failure, deadlock_detected, lock_not_available.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
# SQLite says so in words only: "database is locked", "database table is locked", "database is busy".
SQLITE_BUSY_WORDS = ("is locked", "is busy")

RETRY_AFTER_SECONDS = 1


def is_busy(error: BaseException) -> bool:
    """True for an error that the same request, sent again in a moment, would most likely not meet."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    message = str(error).lower()
    return any(words in message for words in SQLITE_BUSY_WORDS)
