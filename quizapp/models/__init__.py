"""ORM tables, one module per feature; import them all here so Alembic sees them."""

from quizapp.models.types import UTCDateTime, utcnow
from quizapp.models.user import Role, User

__all__ = ["Role", "UTCDateTime", "User", "utcnow"]
