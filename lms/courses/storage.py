"""Where attachment files live: a content-addressed folder (one file per SHA-256).

The folder is `LMS_UPLOAD_PATH`, by default `uploads/` in the instance folder; every app process
must see the same folder (a shared volume when running on several machines).
"""

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


def upload_root() -> Path:
    configured = current_app.config.get("LMS_UPLOAD_PATH")
    root = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_of(sha256: str, root: Path | None = None) -> Path:
    return (root or upload_root()) / sha256[:2] / sha256


def save(data: bytes, root: Path | None = None) -> str:
    """Store bytes once (by hash) under `root` (the attachments' folder unless given) and return
    the hash; an atomic rename avoids half files."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_of(digest, root)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    return digest
