"""The scenario registry: what `python -m bench` measures, by name.

Two kinds, and the runner knows how to run each:

- `HttpScenario`: load on one URL of the LMS under gunicorn, beside the hello ceiling.
- `FunctionScenario`: one call of a function (an export, a bulk job) in a fresh subprocess, for its
  time and peak memory; see bench/measure.py.

A new benchmark is one `register(...)` call here; the runner does not change.

    register("module", HttpScenario("Course module page", path=first_module_path))
    register("roster-xlsx", FunctionScenario("Roster export, 20,000 rows",
                                             target="bench.exports:roster_xlsx",
                                             setup="bench.exports:seed_roster"))
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.servers import Instance

#: The export downloads of a class (lms/classes, lms/attendance), by export (bench/exports.py).
EXPORT_PATHS = {
    "roster": "/classes/{id}/export/roster.{fmt}",
    "attendance": "/attendance/classes/{id}/export.{fmt}",
}


@dataclass(frozen=True)
class HttpScenario:
    """Load on one request of the LMS; its figures are set beside the hello ceiling."""

    description: str
    #: A path, or a function of the prepared instance for paths that depend on seeded data.
    path: str | Callable[[Instance], str]
    #: Log in as the bench account first (and send its session cookie).
    login: bool = True
    method: str = "GET"
    body: str | None = None
    content_type: str = "application/x-www-form-urlencoded"
    #: Any other status counts as an error (a redirect to /login would mean the session was lost).
    expect_status: int = 200
    #: A page whose csrf_token is sent as X-CSRFToken, for scenarios that change state.
    csrf_from: str | None = None
    #: A function of the instance giving a targets file: a different request (path, session
    #: cookie, CSRF token, body) each time, for many learners at once; see bench/load.py.
    targets: Callable[[Instance], Path] | None = None
    #: Each target may be sent only once (submitting an attempt): every round gets its own part.
    targets_once: bool = False
    #: How often one user sends this request in real use (autosave: 15 s): the runner then says
    #: how many users the measured rate would serve.
    every_seconds: float | None = None

    def resolve_path(self, instance: Instance) -> str:
        return self.path(instance) if callable(self.path) else self.path


@dataclass(frozen=True)
class FunctionScenario:
    """One call of `target` ("module:function"), timed and measured for peak memory.

    It runs in a fresh process inside an app context of the bench instance. `setup`
    ("module:function", optional) receives the app and prepares data outside the measurement;
    `target` receives what `setup` returned (or the app). A target that returns an iterator
    (a streaming export) is consumed to the end inside the measurement.
    """

    description: str
    target: str
    setup: str | None = None
    #: Seconds before the measuring process is killed.
    timeout: float = 600.0


Scenario = HttpScenario | FunctionScenario

SCENARIOS: dict[str, Scenario] = {}

#: The ceiling every HTTP scenario is compared with: bench/hello.py under the same gunicorn.
CEILING = HttpScenario("Bare Flask hello page, same gunicorn settings", "/", login=False)


def register(name: str, scenario: Scenario) -> Scenario:
    if name in SCENARIOS or name == "hello":
        raise ValueError(f"scenario {name!r} is already registered")
    SCENARIOS[name] = scenario
    return scenario


register(
    "home",
    HttpScenario(
        "Learner's home page, logged in, enrolled in a demo class (GET /)",
        path=lambda instance: _courses().home_path(instance),
    ),
)
register(
    "healthz",
    HttpScenario("Health check: one SELECT 1, no session (GET /healthz)", "/healthz", login=False),
)
register(
    "module",
    HttpScenario(
        "Module page of a class, enrolled learner (GET /learn/<id>/modules/2)",
        path=lambda instance: _courses().module_page_path(instance),
    ),
)
register(
    "roster-xlsx",
    FunctionScenario(
        "Roster export of 2,000 learners as XLSX",
        target="bench.courses:roster_xlsx",
        setup="bench.courses:seed_roster",
    ),
)
register(
    "roster-csv",
    FunctionScenario(
        "Roster export of 2,000 learners as CSV (streamed)",
        target="bench.courses:roster_csv",
        setup="bench.courses:seed_roster",
    ),
)

register(
    "certificates-issue",
    FunctionScenario(
        "Issuing 2,000 certificates (PDF, signed snapshot, serial), committed 10 at a time",
        target="bench.certificates:issue_all",
        setup="bench.certificates:seed_issue",
        timeout=1800,
    ),
)
register(
    "verify",
    HttpScenario(
        "Public verification page of a certificate, no log-in (GET /verify/<serial>)",
        path=lambda instance: _certificates().verify_path(instance),
        login=False,
    ),
)
register(
    "api-certificates",
    HttpScenario(
        "Records API: a page of 50 certificates with a bearer token "
        "(GET /api/v1/certificates?limit=50)",
        path="/api/v1/certificates?limit=50",
        login=False,
        targets=lambda instance: _api().targets(instance, "/api/v1/certificates?limit=50"),
    ),
)
register(
    "checkin",
    HttpScenario(
        "Check-in day: 500 learners check in to a session with its code, each request a "
        "different learner (POST /attendance/checkin/<id>)",
        path="/attendance/checkin/<id>",
        login=False,
        method="POST",
        targets=lambda instance: _checkin().targets(instance),
        targets_once=True,
    ),
)
register(
    "attendance-xlsx",
    FunctionScenario(
        "Attendance list of 2,000 learners × 20 sessions as XLSX",
        target="bench.attendance:attendance_xlsx",
        setup="bench.attendance:seed_marks",
    ),
)
register(
    "attendance-csv",
    FunctionScenario(
        "Attendance list of 2,000 learners × 20 sessions as CSV (streamed)",
        target="bench.attendance:attendance_csv",
        setup="bench.attendance:seed_marks",
    ),
)
register(
    "api-hours",
    HttpScenario(
        "Records API: training periods of 50 officials this year, summed in SQL "
        "(GET /api/v1/hours?limit=50)",
        path="/api/v1/hours?limit=50",
        login=False,
        targets=lambda instance: _api().targets(instance, "/api/v1/hours?limit=50"),
    ),
)
register(
    "records-report",
    HttpScenario(
        "Organizer's yearly report of a unit of 2,000 officials, 10,000 participant-turns "
        "with their attendance, by unit, level and topic (GET /records/report?unit=<id>)",
        path="/records/report",
        login=False,
        targets=lambda instance: _records().report_targets(instance),
    ),
)
register(
    "class",
    HttpScenario(
        "Class page, enrolled learner (GET /learn/<id>)",
        path=lambda instance: _courses().class_page_path(instance),
    ),
)
register(
    "attempt",
    HttpScenario(
        "Quiz attempt page, 300 learners each on their own attempt in progress "
        "(GET /quiz/attempt/<id>, a different learner every request)",
        path="/quiz/attempt/<id>",
        login=False,
        targets=lambda instance: _quizzes().attempt_page_targets(instance),
    ),
)
register(
    "autosave",
    HttpScenario(
        "Exam day: 300 learners with an attempt in progress autosave one changed answer each "
        "(POST /quiz/attempt/<id>/autosave, a different learner every request)",
        path="/quiz/attempt/<id>/autosave",
        login=False,
        method="POST",
        content_type="application/json",
        targets=lambda instance: _quizzes().autosave_targets(instance),
        every_seconds=15,
    ),
)
register(
    "submit",
    HttpScenario(
        "Submitting attempts of 12 answered questions, each request a different attempt, one in "
        "ten a double submit (POST /quiz/attempt/<id>/submit)",
        path="/quiz/attempt/<id>/submit",
        login=False,
        method="POST",
        expect_status=303,
        targets=lambda instance: _quizzes().submit_targets(instance),
        targets_once=True,
    ),
)

for _what, _fmt, _label in (
    ("roster", "csv", "Roster of 2,000 learners as CSV (streamed)"),
    ("roster", "xlsx", "Roster of 2,000 learners as XLSX"),
    ("attendance", "csv", "Attendance list of 2,000 learners × 20 sessions as CSV (streamed)"),
    ("attendance", "xlsx", "Attendance list of 2,000 learners × 20 sessions as XLSX"),
):
    register(
        f"download-{_what}-{_fmt}",
        HttpScenario(
            f"{_label}, downloaded by an organizer over HTTP (the workers' memory before and "
            "after is the figure to read)",
            path=EXPORT_PATHS[_what].format(id="<id>", fmt=_fmt),
            login=False,
            targets=lambda instance, what=_what, fmt=_fmt: _exports().targets(instance, what, fmt),
        ),
    )


def _courses():
    from bench import courses

    return courses


def _quizzes():
    from bench import quizzes

    return quizzes


def _certificates():
    from bench import certificates

    return certificates


def _checkin():
    from bench import checkin

    return checkin


def _api():
    from bench import api

    return api


def _records():
    from bench import records

    return records


def _exports():
    from bench import exports

    return exports
