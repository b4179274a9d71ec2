"""`lms quiz import|export|load`: question banks from and to GIFT, Moodle XML and Aiken."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _

from lms import db
from lms.i18n import in_default_language
from lms.quizzes.bank import services as banks
from lms.quizzes.formats import FORMATS, UnsupportedQuestionError
from lms.resources import data_dir

quiz_group = AppGroup("quiz", help="Question banks: import, export, load the shipped ones.")


@quiz_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), required=True)
@click.option("--bank", "slug", required=True, help="Bank slug (created when missing).")
@click.option("--dry-run", is_flag=True, help="Check every question, write nothing.")
@click.option("--strict", is_flag=True, help="Refuse the file if any question would be skipped.")
@with_appcontext
@in_default_language
def quiz_import(path: Path, fmt: str, slug: str, dry_run: bool, strict: bool) -> None:
    """Import a question file; on any bad question print FILE:LINE: reason and write nothing.

    A question of a type the LMS does not have is skipped with FILE:LINE: warning: …, the rest
    imported; --strict makes such warnings errors.
    """
    result = FORMATS[fmt].parse(path.read_bytes(), str(path))
    for problem in [*result.errors, *result.warnings]:
        click.echo(str(problem), err=True)
    if result.errors:
        click.echo(_("%(n)d problem(s); nothing was imported.", n=len(result.errors)), err=True)
        sys.exit(1)
    if strict and result.warnings:
        click.echo(
            _(
                "%(n)d question(s) would be skipped, which --strict does not allow; "
                "nothing was imported.",
                n=result.skipped,
            ),
            err=True,
        )
        sys.exit(1)
    if dry_run:
        click.echo(_("%(n)d questions are valid; nothing was written.", n=len(result.questions)))
        if result.skipped:
            click.echo(_("%(n)d question(s) would be skipped.", n=result.skipped))
        return
    summary = banks.import_questions(banks.get_or_create_bank(slug), result.questions)
    db.session.commit()
    _print_summary(summary)
    click.echo(
        _(
            "Totals: %(imported)d imported, %(skipped)d skipped.",
            imported=summary.total,
            skipped=result.skipped,
        )
    )


def _print_summary(summary: banks.ImportSummary) -> None:
    click.echo(
        _(
            "Imported %(total)d questions (%(new)d new, %(changed)d changed, %(same)d unchanged).",
            total=summary.total,
            new=summary.created,
            changed=summary.updated,
            same=summary.unchanged,
        )
    )
    for qtype, count in sorted(summary.by_type.items()):
        click.echo(f"  {qtype}: {count}")


@quiz_group.command("export")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["gift", "moodlexml"]), default="gift")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
@in_default_language
def quiz_export(slug: str, fmt: str, output: Path | None) -> None:
    """Write bank SLUG in GIFT or Moodle XML (standard output unless -o FILE)."""
    bank = banks.find_bank(slug)
    if bank is None:
        raise click.ClickException(_("No question bank %(s)s.", s=slug))
    try:
        text = FORMATS[fmt].dump(banks.bank_questions(bank))
    except UnsupportedQuestionError as error:
        raise click.ClickException(str(error)) from error
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@quiz_group.command("load")
@click.argument(
    "path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@with_appcontext
@in_default_language
def quiz_load(path: Path | None) -> None:
    """Load every <slug>.gift of a folder (default: the shipped banks) into bank <slug>."""
    failed = False
    for file in sorted((path or data_dir("quizzes")).glob("*.gift")):
        result = FORMATS["gift"].parse(file.read_bytes(), str(file))
        if result.errors:
            failed = True
            for error in result.errors:
                click.echo(str(error), err=True)
            continue
        summary = banks.import_questions(banks.get_or_create_bank(file.stem), result.questions)
        click.echo(
            f"{file.stem}: {summary.total} questions ({summary.created} new, "
            f"{summary.updated} changed)"
        )
    if failed:
        db.session.rollback()
        sys.exit(1)
    db.session.commit()
