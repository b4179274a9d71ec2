"""Refresh the Vietnamese catalogue: extract messages, update vi, optionally fill translations
from JSON files (msgid → msgstr), then compile. Run from the repository root:

    python tools/translations.py [translations.json ...]

It prints the msgids still untranslated (tests/test_i18n.py fails while any remain).
"""

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "lms" / "translations"
PO = CATALOGUE / "vi" / "LC_MESSAGES" / "messages.po"


def pybabel(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(done.stderr)


def main(sources: list[str]) -> int:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "--project",
        "lms-cchc",
        "-o",
        str(CATALOGUE / "messages.pot"),
        ".",
    )
    pybabel(
        "update",
        "-i",
        str(CATALOGUE / "messages.pot"),
        "-d",
        str(CATALOGUE),
        "-l",
        "vi",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    known: dict[str, str] = {}
    for source in sources:
        known.update(json.loads(Path(source).read_text(encoding="utf-8")))
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        if not message.string and message.id in known:
            message.string = known[message.id]
        if not message.string:
            missing.append(message.id)
    with PO.open("wb") as handle:
        write_po(handle, catalogue, width=100, omit_header=False, sort_output=True)
    pybabel("compile", "-d", str(CATALOGUE), "-l", "vi")
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
