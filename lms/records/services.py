"""An official's training record: every class completed in the LMS (periods, hours, result,
certificate serial), the training done elsewhere, and each year's total against the yearly
target the organizer set for the official's rank or position.

Completions are read through the API's query (`lms.api.services.completion_query`), so the
record, the API and the reports count the same completions: enrolled (not withdrawn) learners
whose standing meets every rule.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import has_request_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased

from lms import db
from lms.accounts.models import LearnerProfile, Unit
from lms.accounts.services import ServiceError
from lms.api.schemas import hours
from lms.api.services import completion_query
from lms.audit.services import record as audit
from lms.certificates.models import Completion
from lms.classes.models import TrainingClass
from lms.i18n import local_time
from lms.records.models import ExternalTraining, UnitSuccessor, YearlyTarget
from lms.records.reports import today_unit
from lms.text import fold

#: Bounds of what a form may set.
MAX_PERIODS = 10_000
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Line:
    """One row of a record: a class completed here, or training done elsewhere."""

    day: date
    title: str
    code: str
    provider: str
    periods: int
    result: str
    serial: str
    external: ExternalTraining | None = None

    @property
    def hours(self) -> float:
        return hours(self.periods)

    @property
    def year(self) -> int:
        return self.day.year


@dataclass
class Year:
    year: int
    periods: int = 0
    classes: int = 0
    external_periods: int = 0
    target: YearlyTarget | None = None

    @property
    def hours(self) -> float:
        return hours(self.periods)

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.periods >= self.target.periods

    @property
    def missing(self) -> int:
        return 0 if self.target is None else max(self.target.periods - self.periods, 0)


@dataclass
class Record:
    profile: LearnerProfile
    lines: list[Line] = field(default_factory=list)
    years: list[Year] = field(default_factory=list)

    def lines_of(self, year: int) -> list[Line]:
        return [line for line in self.lines if line.year == year]


def _internal_lines(user_id: str) -> list[Line]:
    organizer = aliased(Unit, name="organizer")
    query = (
        completion_query()
        .add_columns(organizer.name.label("organizer_name"))
        .join(organizer, organizer.id == TrainingClass.unit_id)
        .where(Completion.user_id == user_id)
        .order_by(Completion.completed_at, Completion.id)
    )
    return [
        Line(
            day=local_time(row.Completion.completed_at).date(),
            title=row.course_title,
            code=row.class_code,
            provider=row.organizer_name,
            periods=int(row.periods or 0),
            result=_("Completed"),
            serial=row.certificate_serial or "",
        )
        for row in db.session.execute(query)
    ]


def external_of(user_id: str) -> list[ExternalTraining]:
    query = select(ExternalTraining).where(ExternalTraining.user_id == user_id)
    return list(db.session.scalars(query.order_by(ExternalTraining.ends_on, ExternalTraining.id)))


def _external_line(item: ExternalTraining) -> Line:
    return Line(
        day=item.ends_on,
        title=item.title,
        code="",
        provider=item.provider,
        periods=item.periods,
        result=item.result,
        serial=item.evidence_number,
        external=item,
    )


def training_record(profile: LearnerProfile) -> Record:
    """The whole record, newest year first; three queries (completions, external, targets)."""
    lines = _internal_lines(profile.user_id) + [
        _external_line(item) for item in external_of(profile.user_id)
    ]
    lines.sort(key=lambda line: (line.day, line.external is not None, line.title))
    years: dict[int, Year] = {}
    for line in lines:
        year = years.setdefault(line.year, Year(line.year))
        year.periods += line.periods
        year.classes += 1
        if line.external is not None:
            year.external_periods += line.periods
    # This year always shows, with its target, even before anything is completed.
    this_year = local_time(db.utcnow()).year
    years.setdefault(this_year, Year(this_year))
    targets = targets_for(profile, list(years))
    for year in years.values():
        year.target = targets.get(year.year)
    return Record(profile, lines, sorted(years.values(), key=lambda y: y.year, reverse=True))


# --- yearly targets ------------------------------------------------------------------------------


def _ancestor_ids(unit: Unit | None) -> list[int]:
    if unit is None:
        return []
    return [int(part) for part in unit.path.strip("/").split("/") if part]


def _specificity(target: YearlyTarget, depth_of: dict[int, int]) -> tuple[int, int]:
    """A target for the position beats one for the rank, which beats one for everyone; among
    equals, the one set nearest the official's unit wins."""
    return (2 * bool(target.position) + bool(target.rank), depth_of.get(target.unit_id, 0))


def targets_for(profile: LearnerProfile, years: list[int]) -> dict[int, YearlyTarget]:
    """year → the target that applies to the official (one query)."""
    ancestors = _ancestor_ids(profile.unit)
    if not ancestors or not years:
        return {}
    depth_of = {unit_id: depth for depth, unit_id in enumerate(ancestors)}
    query = select(YearlyTarget).where(
        YearlyTarget.unit_id.in_(ancestors), YearlyTarget.year.in_(years)
    )
    position = fold(profile.position or "").strip()
    chosen: dict[int, YearlyTarget] = {}
    for target in db.session.scalars(query):
        if target.rank and target.rank != profile.rank:
            continue
        if target.position and fold(target.position).strip() != position:
            continue
        best = chosen.get(target.year)
        if best is None or _specificity(target, depth_of) > _specificity(best, depth_of):
            chosen[target.year] = target
    return chosen


def targets_in(unit_ids_clause, year: int | None = None) -> list[YearlyTarget]:
    query = select(YearlyTarget).join(Unit, Unit.id == YearlyTarget.unit_id).where(unit_ids_clause)
    if year is not None:
        query = query.where(YearlyTarget.year == year)
    query = query.order_by(YearlyTarget.year.desc(), Unit.path, YearlyTarget.rank)
    return list(db.session.scalars(query))


def set_target(unit: Unit, year: int, rank: str, position: str, periods: int) -> YearlyTarget:
    """Create or change the target of a unit, year, rank and position (audited)."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 0 < periods <= MAX_PERIODS):
        raise ServiceError(_("The year or the number of periods is out of range."))
    position = position.strip()
    target = db.session.scalar(
        select(YearlyTarget).where(
            YearlyTarget.unit_id == unit.id,
            YearlyTarget.year == year,
            YearlyTarget.rank == rank,
            YearlyTarget.position == position,
        )
    )
    before = None
    if target is None:
        target = YearlyTarget(
            unit_id=unit.id,
            year=year,
            rank=rank,
            position=position,
            periods=0,
            created_by=actor_id(),
        )
        db.session.add(target)
    else:
        before = {"periods": target.periods}
    target.periods = periods
    db.session.flush()
    audit("records.target.set", "yearly_target", target.id, before, _target_facts(target))
    return target


def delete_target(target: YearlyTarget) -> None:
    audit("records.target.delete", "yearly_target", target.id, _target_facts(target), None)
    db.session.delete(target)
    db.session.flush()


def _target_facts(target: YearlyTarget) -> dict:
    return {
        "unit_id": target.unit_id,
        "year": target.year,
        "rank": target.rank,
        "position": target.position,
        "periods": target.periods,
    }


# --- successors of ceased units ------------------------------------------------------------------


def set_successor(unit: Unit, successor: Unit) -> None:
    """Name the unit that took over a ceased one (audited); a chain must not loop back."""
    if not unit.retired:
        raise ServiceError(_("Only a ceased unit can have a successor."))
    if successor.retired or successor.id == unit.id:
        raise ServiceError(_("The successor must be a unit still in use."))
    row = db.session.get(UnitSuccessor, unit.id)
    before = {"successor_id": row.successor_id} if row else None
    if row is None:
        row = UnitSuccessor(unit_id=unit.id, successor_id=successor.id)
        db.session.add(row)
    row.successor_id = successor.id
    row.set_by = actor_id()
    row.set_at = db.utcnow()
    db.session.flush()
    successors = dict(
        db.session.execute(select(UnitSuccessor.unit_id, UnitSuccessor.successor_id)).all()
    )
    if today_unit(unit.id, successors) == unit.id:
        raise ServiceError(_("The successor must be a unit still in use."))
    audit("records.successor.set", "unit", unit.id, before, {"successor_id": successor.id})


def successors_of(unit_ids: list[int]) -> dict[int, Unit]:
    if not unit_ids:
        return {}
    rows = db.session.scalars(select(UnitSuccessor).where(UnitSuccessor.unit_id.in_(unit_ids)))
    return {row.unit_id: row.successor for row in rows}


def actor_id() -> str:
    """Who acts: the signed-in user, or nobody (a command, the demo)."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return str(current_user.get_id())
    return ""
