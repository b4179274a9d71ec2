"""Background jobs on a class's certificates: issue to every eligible learner, and build the
ZIP of every current certificate. Each is a `CertificateJob` row (its progress, polled by the
page) and a huey task that does the work in batches, committing as it goes.

The queue is huey's: `SqliteHuey` in the instance folder by default (`lms serve` starts a
consumer beside the web workers), `RedisHuey` when LMS_REDIS_URL is set (run `lms worker` on
any machine). A job is queued only once the request that created it has committed, so the
worker always finds its row. In tests `LMS_JOBS_IMMEDIATE` runs a job at that moment instead.
"""

import logging
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from lms import db
from lms.certificates import services
from lms.certificates.models import Certificate, CertificateJob
from lms.classes.models import TrainingClass
from lms.courses.storage import upload_root
from lms.db import utcnow

log = logging.getLogger(__name__)

ISSUE = "issue"
ZIP = "zip"
KINDS = (ISSUE, ZIP)
#: Certificates issued (or added to the ZIP) per transaction; each issue batch holds the unit's
#: serial counter only this long.
BATCH = 10
#: Session.info key of the jobs to queue once the transaction commits.
PENDING = "lms_pending_jobs"


class JobQueue:
    """The app's huey, built on first use: Redis when LMS_REDIS_URL is set, else SQLite in the
    instance folder (in memory, running each job at once, under LMS_JOBS_IMMEDIATE)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._huey = None
        self._task = None
        #: Other areas' tasks: functions `(queue, app)` called when the queue is built, so every
        #: process consuming it (`lms worker`) knows them (webhook deliveries, say).
        self._task_adders: list[Callable] = []

    def add_tasks(self, adder: Callable) -> None:
        self._task_adders.append(adder)

    @property
    def huey(self):
        if self._huey is None:
            self._huey = self._build()
        return self._huey

    def _build(self):
        app = self.app
        if app.config.get("LMS_JOBS_IMMEDIATE"):
            queue = MemoryHuey("lms-jobs", immediate=True)
        elif app.config.get("LMS_REDIS_URL"):
            queue = RedisHuey(
                f"{app.config['LMS_REDIS_PREFIX']}-jobs", url=app.config["LMS_REDIS_URL"]
            )
        else:
            queue = SqliteHuey(
                "lms-jobs", filename=str(Path(app.instance_path) / "jobs.sqlite3"), timeout=15
            )

        @queue.task(name="lms.certificates.job")
        def run(job_id: int) -> None:
            with app.app_context():
                execute(job_id)

        self._task = run
        for adder in self._task_adders:
            adder(queue, app)
        return queue

    def enqueue(self, job_id: int) -> None:
        self.huey  # noqa: B018 (builds the queue and its task)
        self._task(job_id)


def job_store() -> Path:
    """Built files (ZIPs) live beside the attachments: a folder every process sees."""
    path = upload_root() / "certificate-jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start(kind: str, class_id: int, requested_by: str, base_url: str | None = None):
    """Create a job and queue it once the current transaction commits."""
    job = CertificateJob(
        kind=kind,
        class_id=class_id,
        requested_by=requested_by,
        base_url=base_url or "",
        state="queued",
    )
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(PENDING, []).append((current_app._get_current_object(), job.id))
    return job


@event.listens_for(Session, "after_commit")
def _queue_committed(session: Session) -> None:
    for app, job_id in session.info.pop(PENDING, []):
        app.extensions["lms"].jobs.enqueue(job_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(PENDING, None)


# --- running a job -------------------------------------------------------------------------------


def execute(job_id: int) -> None:
    """Run a queued job to its end (a job found running or finished is left alone)."""
    job = db.session.get(CertificateJob, job_id)
    if job is None or job.state != "queued":
        return
    job.state, job.started_at = "running", utcnow()
    db.session.commit()
    try:
        if job.kind == ISSUE:
            _issue(job)
        else:
            _build_zip(job)
    except JobRefused as refusal:
        _fail(job_id, str(refusal))
        return
    except Exception:
        log.exception("Certificate job %s failed", job_id)
        _fail(job_id, "")
        return
    job.state, job.finished_at = "done", utcnow()
    db.session.commit()


def _fail(job_id: int, reason: str) -> None:
    """Mark a job failed with the reason its page shows ("" for an unexpected error)."""
    db.session.rollback()
    job = db.session.get(CertificateJob, job_id)
    job.state, job.finished_at, job.error = "failed", utcnow(), reason[:500]
    db.session.commit()


def _issue(job: CertificateJob) -> None:
    """Issue to every eligible learner, BATCH per transaction; a learner whose certificate
    cannot be issued (the class has no template, say) stops the job with the reason; those
    issued before it stay issued."""
    pending = services.eligible_ids(job.class_id)
    job.total = len(pending)
    db.session.commit()
    for start in range(0, len(pending), BATCH):
        for user_id in pending[start : start + BATCH]:
            try:
                with db.session.begin_nested():
                    services.issue(
                        job.class_id,
                        user_id,
                        actor_id=job.requested_by,
                        base_url=job.base_url or None,
                    )
            except services.AlreadyIssued:
                pass  # issued by someone else meanwhile: nothing left to do for them
            except services.CertificateError as error:
                raise JobRefused(str(error)) from error
            job.done += 1
        db.session.commit()


def zip_name(training_class: TrainingClass) -> str:
    return f"giay-chung-nhan-{training_class.code}.zip"


def current_ids(class_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Certificate.id)
            .where(Certificate.class_id == class_id, Certificate.is_current.is_(True))
            .order_by(Certificate.serial)
        )
    )


def write_zip(class_id: int, target, progress=None) -> int:
    """Write every current certificate of the class into the ZIP file `target`, one PDF per
    learner named by serial; `progress(done)` is called after each batch. Returns the count."""
    ids = current_ids(class_id)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for start in range(0, len(ids), BATCH * 5):
            rows = db.session.execute(
                select(Certificate.serial, Certificate.pdf).where(
                    Certificate.id.in_(ids[start : start + BATCH * 5])
                )
            )
            for serial, document in sorted(rows):
                archive.writestr(f"{serial}.pdf", document)
            if progress is not None:
                progress(min(start + BATCH * 5, len(ids)))
    return len(ids)


def _build_zip(job: CertificateJob) -> None:
    job.total = db.session.scalar(
        select(func.count(Certificate.id)).where(
            Certificate.class_id == job.class_id, Certificate.is_current.is_(True)
        )
    )
    db.session.commit()
    final = job_store() / f"job-{job.id}.zip"
    partial = final.with_suffix(".part")

    def progress(done: int) -> None:
        job.done = done
        db.session.commit()

    with partial.open("wb") as handle:
        write_zip(job.class_id, handle, progress)
    os.replace(partial, final)
    job.file_name = final.name


class JobRefused(RuntimeError):
    """A job stopped for a reason its page shows (kept in `CertificateJob.error`)."""


def progress(job: CertificateJob) -> dict:
    """What the progress bar shows (the JSON the page polls)."""
    percent = 100 if job.state == "done" else (job.done * 100 // job.total if job.total else 0)
    return {
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "percent": percent,
        "error": job.error,
        "download": job.kind == ZIP and job.state == "done",
    }


def zip_path(job: CertificateJob) -> Path | None:
    if job.kind != ZIP or job.state != "done" or not job.file_name:
        return None
    path = job_store() / job.file_name
    return path if path.is_file() else None
