"""Units, learner profiles, role grants, and the accounts of the standalone host."""

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, utcnow


class Role(StrEnum):
    """Roles granted on a unit subtree; everyone with a profile is a learner."""

    LEARNER = "learner"
    TRAINER = "trainer"
    ORGANIZER = "organizer"
    ADMIN = "admin"


GRANTABLE_ROLES = (Role.TRAINER, Role.ORGANIZER, Role.ADMIN)


class UnitKind(StrEnum):
    CENTRAL = "central"
    PROVINCE = "province"
    DEPARTMENT = "department"
    COMMUNE = "commune"
    DIVISION = "division"
    #: Pre-7/2025 districts; kept so old records still point somewhere real.
    DISTRICT = "district"
    OTHER = "other"


class Unit(Base):
    """A node of the organisation tree (province → department/commune → division)."""

    __tablename__ = "lms_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16), default=UnitKind.OTHER)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("lms_units.id"), index=True)
    #: Materialised path of ids ("/1/4/9/"): a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(512), index=True, default="")
    #: Retired units (e.g. districts abolished on 1/7/2025) stay for history but take no new people.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id])

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def contains(self, other: "Unit") -> bool:
        return other.path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class LearnerProfile(Base):
    """What the LMS knows of a person, keyed by the host user's id (Flask-Login `get_id()`)."""

    __tablename__ = "lms_profiles"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(255))
    #: Collation key of the name (given name first, Vietnamese alphabet), so SQL sorts correctly.
    sort_name: Mapped[str] = mapped_column(String(1024), index=True, default="")
    #: Name and official code without diacritics, so "nguyen van an" finds "Nguyễn Văn An".
    search_text: Mapped[str] = mapped_column(String(512), default="")
    #: Mã CBCCVC; unique when set.
    official_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("lms_units.id"), index=True)
    position: Mapped[str] = mapped_column(String(255), default="")
    rank: Mapped[str] = mapped_column(String(64), default="")
    education_level: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<LearnerProfile {self.user_id} {self.full_name!r}>"


class RoleGrant(Base):
    """A role held on a unit and everything below it."""

    __tablename__ = "lms_role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int] = mapped_column(ForeignKey("lms_units.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<RoleGrant {self.user_id} {self.role}@{self.unit_id}>"


#: Session key holding the account's `session_version` from log-in; the user loader drops a
#: session whose value is older.
ACCOUNT_SESSION_KEY = "lms_account_version"


class Account(UserMixin, Base):
    """A log-in of the standalone host; a host portal brings its own users instead."""

    __tablename__ = "lms_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Bumped on password change or disable; sessions carrying an older value are dropped.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    #: Set when an admin resets the password: the person must choose a new one at next log-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<Account {self.username}>"


class LoginSession(Base):
    """One log-in of a standalone account. The signed cookie carries a random id; the account
    stays signed in only while this row exists and has not expired, so log-out really ends it.
    """

    __tablename__ = "lms_login_sessions"

    #: SHA-256 of the random id in the cookie: a copy of this table opens no session.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("lms_accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Written at most every few minutes (sessions.TOUCH_INTERVAL), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The absolute end (LMS_SESSION_MAX_HOURS after log-in), however active the session is.
    expires_at: Mapped[datetime] = mapped_column(index=True)
    user_agent: Mapped[str] = mapped_column(String(255), default="")

    def __repr__(self) -> str:
        return f"<LoginSession account={self.account_id} until {self.expires_at:%Y-%m-%d %H:%M}>"
