"""The deployment's Ed25519 signing key and the signatures of certificate snapshots.

The private key comes from `LMS_SIGNING_KEY_FILE` (a PEM file, for deployments on several
machines) or from `signing_key.pem` in the instance folder, created on first use (owner-only,
like the secret key). Its public half is stored in `lms_signing_keys` under a key id (a
fingerprint of the key) the first time it signs, and stays there: rotating the key adds a new
key id while the old ones keep verifying what they signed (`GET /verify/keys.json` lists them).

The signed bytes are the snapshot as canonical JSON: sorted keys, no whitespace (separators
`,` and `:`), non-ASCII kept as is, UTF-8.
"""

import base64
import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms import db
from lms.certificates.models import SigningKey
from lms.config import N_, ConfigError
from lms.db import utcnow

KEY_FILE = "signing_key.pem"


def canonical_json(snapshot: dict) -> str:
    """The snapshot exactly as it is signed and stored."""
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """A key's id: "ed25519-" and the start of the SHA-256 of its raw public bytes."""
    return "ed25519-" + hashlib.sha256(_raw_public(public_key)).hexdigest()[:16]


@dataclass(frozen=True)
class Signer:
    key_id: str
    private_key: Ed25519PrivateKey

    @property
    def public_b64(self) -> str:
        return base64.b64encode(_raw_public(self.private_key.public_key())).decode()


def instance_key_file() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_key_file(path: Path, key: Ed25519PrivateKey, replace: bool = False) -> None:
    """Write a private key readable by its owner only; never over another unless `replace`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not replace:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_pem(key))
        return
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(_pem(key))
    os.replace(temporary, path)


def _read_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise ConfigError(
            N_("The certificate signing key %(path)s cannot be read: %(error)s"),
            path=str(path),
            error=str(error),
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(N_("%(path)s is not an Ed25519 private key."), path=str(path))
    return key


def current_signer() -> Signer:
    """The key that signs now: the configured file, else the instance's (made if missing)."""
    configured = current_app.config.get("LMS_SIGNING_KEY_FILE")
    if configured:
        key = _read_key(Path(configured))
    else:
        path = instance_key_file()
        if not path.exists():
            # Another worker may make it at the same moment: then theirs is used.
            with contextlib.suppress(FileExistsError):
                write_key_file(path, Ed25519PrivateKey.generate())
        key = _read_key(path)
    return Signer(key_id_of(key.public_key()), key)


def register(signer: Signer) -> None:
    """Store the signer's public key (once); a newly seen key retires the ones before it."""
    if db.session.get(SigningKey, signer.key_id) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.execute(
                update(SigningKey)
                .where(SigningKey.retired_at.is_(None))
                .values(retired_at=utcnow())
            )
            db.session.add(SigningKey(key_id=signer.key_id, public_key=signer.public_b64))
    except IntegrityError:
        pass  # another worker registered the same key at the same moment


def sign(snapshot: dict) -> tuple[str, str, str]:
    """Sign a snapshot: (canonical JSON text, base64 signature, key id)."""
    signer = current_signer()
    register(signer)
    text = canonical_json(snapshot)
    signature = signer.private_key.sign(text.encode("utf-8"))
    return text, base64.b64encode(signature).decode(), signer.key_id


def public_keys() -> list[SigningKey]:
    """Every key that ever signed, oldest first."""
    return list(db.session.scalars(select(SigningKey).order_by(SigningKey.created_at)))


def verify(snapshot_json: str, signature: str, key_id: str) -> bool:
    """True when `signature` is the key's signature of exactly `snapshot_json`."""
    key = db.session.get(SigningKey, key_id)
    if key is None:
        return False
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))
        public.verify(base64.b64decode(signature), snapshot_json.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return False
    return True


def new_key() -> Signer:
    """A fresh key, registered (so it verifies from the commit on); `install` makes it sign.

    The caller commits between the two: a crash in between leaves the old key signing and the
    new one merely listed.
    """
    if current_app.config.get("LMS_SIGNING_KEY_FILE"):
        raise ConfigError(
            N_(
                "The signing key is configured (LMS_SIGNING_KEY_FILE): put a new key in "
                "that file instead; certificates the old one signed keep verifying."
            )
        )
    key = Ed25519PrivateKey.generate()
    signer = Signer(key_id_of(key.public_key()), key)
    register(signer)
    return signer


def install(signer: Signer) -> None:
    """Make `signer` the instance's signing key from now on."""
    write_key_file(instance_key_file(), signer.private_key, replace=True)
