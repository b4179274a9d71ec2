"""`lms certificates issue|list|revoke|export|rotate-key` (the command-line twins of the
organizer pages) and `lms worker` (the consumer of background jobs). The command line acts for
the system: no unit scope applies; every rule the pages check still does.
"""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from sqlalchemy import or_, select

from lms import db
from lms.accounts.models import LearnerProfile
from lms.certificates import exports, jobs, services, signing
from lms.classes.models import TrainingClass
from lms.classes.services import find_class
from lms.i18n import in_default_language
from lms.tabular import writing

certificates_group = AppGroup("certificates", help="Certificates (giấy chứng nhận).")


def _class(code: str) -> TrainingClass:
    training_class = find_class(code)
    if training_class is None:
        raise click.ClickException(_("Unknown class %(c)s.", c=code))
    return training_class


def _learner_id(reference: str) -> str:
    """A learner named by official code or user id."""
    user_id = db.session.scalar(
        select(LearnerProfile.user_id).where(
            or_(LearnerProfile.official_code == reference, LearnerProfile.user_id == reference)
        )
    )
    if user_id is None:
        raise click.ClickException(_("Unknown learner %(c)s.", c=reference))
    return user_id


@certificates_group.command("issue")
@click.argument("class_code")
@click.option("--all-eligible", is_flag=True, help="Every learner who meets the rules.")
@click.option("--learner", "learners", multiple=True, help="Official code or user id (repeatable).")
@click.option("--base-url", default=None, help="The site's address for the QR codes.")
@with_appcontext
@in_default_language
def issue(class_code: str, all_eligible: bool, learners: tuple[str, ...], base_url: str | None):
    """Issue certificates of CLASS_CODE: to --learner, or to --all-eligible."""
    training_class = _class(class_code)
    if all_eligible == bool(learners):
        raise click.UsageError(_("Name learners with --learner, or give --all-eligible."))
    try:
        base_url = base_url or services.public_base_url()
    except services.CertificateError as error:
        raise click.ClickException(str(error)) from error
    targets = services.eligible_ids(training_class.id) if all_eligible else learners
    db.session.commit()
    issued = 0
    for number, reference in enumerate(targets, start=1):
        user_id = reference if all_eligible else _learner_id(reference)
        try:
            certificate = services.issue(training_class.id, user_id, base_url=base_url)
        except services.CertificateError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        issued += 1
        click.echo(certificate.serial)
        if number % jobs.BATCH == 0:
            db.session.commit()
    db.session.commit()
    click.echo(_("%(n)d certificates issued.", n=issued), err=True)


@certificates_group.command("list")
@click.option("--class", "class_code", default=None, help="Only this class.")
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv")
@with_appcontext
@in_default_language
def list_certificates(class_code: str | None, fmt: str) -> None:
    """The certificate register as CSV on standard output (serial, name, class, status…)."""
    class_id = _class(class_code).id if class_code else None
    writing.write_csv(exports.table(exports.EXPORTS["register"], class_id), sys.stdout)


@certificates_group.command("revoke")
@click.argument("serial")
@click.option("--reason", required=True, help="Why (shown on the verification page).")
@with_appcontext
@in_default_language
def revoke(serial: str, reason: str) -> None:
    """Revoke the certificate SERIAL."""
    certificate = services.find(serial)
    if certificate is None:
        raise click.ClickException(_("No certificate has this serial number."))
    try:
        services.revoke(certificate, reason)
    except services.CertificateError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(_("Certificate %(s)s revoked.", s=certificate.serial))


@certificates_group.command("export")
@click.argument("class_code")
@click.option("--format", "fmt", type=click.Choice(["zip", "xlsx", "csv"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
@in_default_language
def export(class_code: str, fmt: str, output: Path) -> None:
    """Write CLASS_CODE's certificates as one ZIP of PDFs, or its register as XLSX or CSV."""
    training_class = _class(class_code)
    partial = output.with_name(output.name + ".part")
    with partial.open("wb") as handle:
        if fmt == "zip":
            count = jobs.write_zip(training_class.id, handle)
        else:
            table = exports.table(exports.EXPORTS["register"], training_class.id)
            if fmt == "xlsx":
                writing.write_xlsx(table, handle)
            else:
                for chunk in writing.csv_chunks(table):
                    handle.write(chunk)
            count = None
    partial.replace(output)
    if count is not None:
        click.echo(_("%(n)d certificates written.", n=count), err=True)


@certificates_group.command("rotate-key")
@with_appcontext
@in_default_language
def rotate_key() -> None:
    """Sign new certificates with a new key; certificates signed before keep verifying."""
    signer = signing.new_key()
    db.session.commit()
    signing.install(signer)
    click.echo(signer.key_id)


@click.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32))
@with_appcontext
def worker(workers: int) -> None:
    """Run background jobs (bulk certificates): on Redis when LMS_REDIS_URL is set, else on the
    instance's own queue (`lms serve` starts one of these itself)."""
    queue = current_app.extensions["lms"].jobs.huey
    queue.create_consumer(workers=workers, worker_type="thread").run()
