"""Where one request's time goes: the learner's pages, an autosave and a submit, in-process.

Prepares a demo instance (as the bench does), logs the bench account in through the form with
Flask's test client, then times `--requests` requests of each page and splits each into
database (statement execution, `before/after_cursor_execute`), template (render_template,
`before_render_template` to `template_rendered`), log-in session and account loading (the
user loader, its query included), and the rest (routing, the view's own Python, the test
client). No server, no network: the split, not the load.

    python -m bench.profile_pages [--requests 200] [--lms-path /other/checkout]
        [--database postgresql+psycopg://…/empty_db] [--cprofile 25 [--sort cumulative]]

`--lms-path` imports `lms` from another checkout (e.g. the main branch, for a "before");
`--database` seeds and serves an empty database instead of SQLite; `--cprofile N` also prints
each page's N functions with the most own time (cProfile), to find what to change.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

if not __package__:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)


class Clock:
    """Accumulated seconds per part of a request."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.queries = 0
        self._started: dict[str, float] = {}

    def start(self, part: str) -> None:
        self._started[part] = time.perf_counter()

    def stop(self, part: str) -> None:
        began = self._started.pop(part, None)
        if began is not None:
            self.spent[part] += time.perf_counter() - began


def instrument(app, clock: Clock) -> None:
    from flask import before_render_template, template_rendered
    from sqlalchemy import event

    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(*_args):
        clock.queries += 1
        clock.start("database")

    @event.listens_for(engine, "after_cursor_execute")
    def _after(*_args):
        clock.stop("database")

    before_render_template.connect(lambda *_a, **_k: clock.start("template"), app, weak=False)
    template_rendered.connect(lambda *_a, **_k: clock.stop("template"), app, weak=False)
    manager = app.login_manager
    loader = manager._user_callback

    def timed_loader(user_id):
        # The loader's own query counts here, not under "database".
        began = time.perf_counter()
        database_before = clock.spent["database"]
        try:
            return loader(user_id)
        finally:
            spent = time.perf_counter() - began
            clock.spent["database"] = database_before
            clock.spent["auth"] += spent

    manager._user_callback = timed_loader


#: How cProfile's table is ordered: "tottime" (own time) or "cumulative" (with callees).
SORT = ["tottime"]


def profile(app, client, path: str, count: int, clock: Clock, functions: int = 0) -> dict:
    """`count` GETs of one page as the logged-in bench account."""
    return _timed(lambda _n: client.get(path), path, count, clock, functions)


def replay(app, targets: Path, count: int, clock: Clock, functions: int = 0) -> dict:
    """`count` POSTs from a bench targets file (autosave, submit), each as its own learner: the
    same cookie, CSRF header and body wrk sends, one line after another."""
    lines = [json.loads(line) for line in targets.read_text(encoding="utf-8").splitlines()]
    if len(lines) < count + 1:
        raise SystemExit(f"{targets} holds {len(lines)} requests; ask for fewer")
    client = app.test_client(use_cookies=False)
    # As wrk sends them and as the cookies were made: no User-Agent, so Flask-Login's session
    # protection finds its identifier unchanged and the session is not written back.
    client.environ_base.pop("HTTP_USER_AGENT", None)

    def send(number: int):
        line = lines[number % len(lines)]
        return client.post(
            line["path"],
            data=line["body"],
            headers={
                "Cookie": line["cookie"],
                "X-CSRFToken": line["token"],
                "Content-Type": "application/json",
            },
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )

    label = re.sub(r"/\d+/", "/<id>/", lines[0]["path"])
    return _timed(send, label, count, clock, functions, ok=(200, 303))


def _timed(send, path: str, count: int, clock: Clock, functions: int, ok=(200,)) -> dict:
    response = send(count)  # warm: templates compiled, caches filled
    assert response.status_code in ok, (path, response.status_code)
    clock.spent.clear()
    clock.queries = 0
    profiler = cProfile.Profile() if functions else None
    began, cpu_began = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for number in range(count):
        response = send(number)
        assert response.status_code in ok, (path, response.status_code)
    if profiler:
        profiler.disable()
    total = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(SORT[0]).print_stats(functions)
        print(f"== {path}: {functions} functions by {SORT[0]} ({count} requests)\n{out.getvalue()}")
    parts = {k: round(v * 1000 / count, 2) for k, v in clock.spent.items()}
    parts["other"] = round(total * 1000 / count - sum(parts.values()), 2)
    return {
        "path": path,
        "ms_per_request": round(total * 1000 / count, 2),
        # This process's own CPU (Python, psycopg), steadier than the wall clock on a shared
        # machine; the database server's work is not in it.
        "cpu_ms_per_request": round(cpu * 1000 / count, 2),
        "queries": clock.queries / count,
        **parts,
    }


#: The pages profiled, in order; the last two replay the bench's exam-day targets.
PAGES = ("home", "class", "module", "attempt", "autosave", "submit")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--lms-path", default=None, help="import lms from this checkout")
    parser.add_argument("--instance", type=Path, default=None, help="reuse a prepared folder")
    parser.add_argument("--database", default=None, help="an EMPTY database to seed and serve")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="top N functions")
    parser.add_argument("--sort", choices=("tottime", "cumulative"), default="tottime")
    parser.add_argument(
        "--page",
        action="append",
        choices=PAGES,
        help="profile only this page (repeatable; default: all)",
    )
    args = parser.parse_args(argv)
    SORT[0] = args.sort
    from bench import courses
    from bench.servers import Children, Instance, prepare_instance

    children = Children()
    folder = args.instance or Path(tempfile.mkdtemp(prefix="lms-profile-"))
    folder.mkdir(parents=True, exist_ok=True)
    saved = folder / "instance.json"
    if saved.exists():
        data = json.loads(saved.read_text())
        instance = Instance(Path(data["folder"]), data["env"], password=data["password"])
    else:
        instance = prepare_instance(folder, children, args.database)
        courses.enrol_bench_user(instance)
        saved.write_text(
            json.dumps(
                {"folder": str(instance.folder), "env": instance.env, "password": instance.password}
            )
        )
    os.environ.update({k: v for k, v in instance.env.items() if k.startswith("LMS_")})
    if args.lms_path:
        sys.path.insert(0, args.lms_path)
    from lms import create_app

    app = create_app()
    clock = Clock()
    instrument(app, clock)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/login",
        data={"csrf_token": token, "username": instance.username, "password": instance.password},
    )
    class_id = courses.demo_class_id(instance)
    paths = {
        "home": "/",
        "class": f"/learn/{class_id}",
        "module": f"/learn/{class_id}/modules/2",
    }
    attempt = _attempt_path(app, client, instance, class_id)
    if attempt:
        paths["attempt"] = attempt
    wanted = args.page or PAGES
    results = [
        profile(app, client, path, args.requests, clock, args.cprofile)
        for page, path in paths.items()
        if page in wanted
    ]
    from bench import quizzes

    posted = {"autosave": quizzes.autosave_targets, "submit": quizzes.submit_targets}
    for page, targets in posted.items():
        if page in wanted:
            results.append(replay(app, targets(instance), args.requests, clock, args.cprofile))
    for row in results:
        print(json.dumps(row, ensure_ascii=False))
    return 0


def _attempt_path(app, client, instance, class_id: int) -> str | None:
    """Start (or resume) the bench account's attempt at the demo class's first quiz."""
    from sqlalchemy import select

    from lms import db
    from lms.quizzes.models import Quiz

    with app.app_context():
        quiz_id = db.session.scalar(
            select(Quiz.id).where(Quiz.class_id == class_id).order_by(Quiz.id).limit(1)
        )
    if quiz_id is None:
        return None
    page = client.get(f"/quiz/{quiz_id}").get_data(as_text=True)
    found = re.search(r'href="(/quiz/attempt/\d+)"', page)
    if found:
        return found.group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/quiz/{quiz_id}/start", data={"csrf_token": token})
    # No attempt left to start (the quiz's limit, used up by earlier runs): no attempt page.
    found = re.search(r"(/quiz/attempt/\d+)", response.location or "")
    return found.group(1) if found else None


if __name__ == "__main__":
    sys.exit(main())
