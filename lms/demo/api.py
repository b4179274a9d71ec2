"""The demo's API token for the qualification-records system: made on the first run only, so
`lms demo` prints it once, like the passwords."""

from sqlalchemy import select

from lms import db
from lms.api import tokens
from lms.api.models import ApiToken, Scope

TOKEN_NAME = "Hệ thống quản lý hồ sơ CBCCVC (demo)"


def seed_api_token() -> str | None:
    """A whole-tree token with every scope, unless a demo run made one before (even if it was
    revoked since); its secret, or None."""
    if db.session.scalar(select(ApiToken.id).where(ApiToken.name == TOKEN_NAME)) is not None:
        return None
    return tokens.create(TOKEN_NAME, [scope.value for scope in Scope], None).secret
