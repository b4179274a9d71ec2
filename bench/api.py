"""Bench data for the records API scenarios: a token of the bench instance (made with
`lms api-token create`, as an admin would) and a targets file whose every request carries it.
"""

import json
import subprocess
from pathlib import Path

from bench.servers import Instance, lms_command


def _token(instance: Instance) -> str:
    """The bench's token (created once per instance): the last line `lms api-token create`
    prints."""
    stored = instance.folder / "bench-api-token"
    if stored.exists():
        return stored.read_text(encoding="utf-8").strip()
    done = subprocess.run(
        [
            *lms_command(),
            "api-token",
            "create",
            "--name",
            "Bench",
            "--scope",
            "certificates:read",
            "--scope",
            "records:read",
        ],
        env=instance.env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = done.stdout.strip().splitlines()[-1]
    stored.write_text(token, encoding="utf-8")
    return token


def targets(instance: Instance, path: str) -> Path:
    """A one-line targets file: GET `path` with the bench token, no session cookie."""
    file = instance.folder / f"api-{path.strip('/').replace('/', '-').replace('?', '-')}.jsonl"
    line = {"path": path, "cookie": "", "headers": {"Authorization": f"Bearer {_token(instance)}"}}
    file.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return file
