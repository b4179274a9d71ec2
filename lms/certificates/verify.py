"""Public verification of certificates, without log-in (the QR code points here).

`GET /verify/<serial>` shows the facts, the status and the PDF's SHA-256;
`GET /verify/<serial>.json` returns `{"snapshot", "signature", "key_id"}` and
`GET /verify/keys.json` every public key, so anyone can check a certificate offline;
`GET /verify/<serial>.pdf` returns the stored PDF. Every lookup by serial is counted per client
address (LMS_VERIFY_LIMIT), so serials cannot be enumerated quickly.
"""

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from lms.certificates import services, signing
from lms.certificates.fields import day
from lms.certificates.serials import looks_like_serial
from lms.ratelimit import Limit, rate_limiter
from lms.security import PUBLIC, access

bp = Blueprint("verify", __name__, url_prefix="/verify")
bp.context_processor(lambda: {"isodate": day})


def _counted() -> None:
    """Count a lookup from this address; 429 past the limit."""
    limit = Limit.parse(current_app.config["LMS_VERIFY_LIMIT"])
    if not rate_limiter().hit(f"verify:ip:{request.remote_addr}", limit):
        abort(429)


def _lookup(serial: str):
    """The certificate with this serial, or None; every lookup counts against the limit."""
    _counted()
    return services.find(serial) if looks_like_serial(serial) else None


def _not_found(serial: str):
    return render_template("lms/certificates/verify_unknown.html", serial=serial), 404


@bp.route("/")
@access(PUBLIC)
def index():
    """The search box; a serial typed there opens its page."""
    serial = request.args.get("serial", "").strip()
    if serial:
        return redirect(url_for(".page", serial=serial[:64]), 303)
    return render_template("lms/certificates/verify_index.html")


@bp.route("/keys.json")
@access(PUBLIC)
def keys():
    """Every public key that signed certificates (raw 32-byte Ed25519 keys, base64)."""
    return jsonify(
        keys=[{"key_id": key.key_id, "public_key": key.public_key} for key in signing.public_keys()]
    )


@bp.route("/<serial>")
@access(PUBLIC)
def page(serial: str):
    certificate = _lookup(serial)
    if certificate is None:
        return _not_found(serial)
    return render_template(
        "lms/certificates/verify.html",
        certificate=certificate,
        facts=services.facts_of(certificate),
        status=services.status_of(certificate),
        genuine=signing.verify(
            certificate.snapshot_json, certificate.signature, certificate.key_id
        ),
        replaced_by=certificate.replaced_by,
    )


@bp.route("/<serial>.json")
@access(PUBLIC)
def document(serial: str):
    """The signed snapshot; the status is in the `Certificate-Status` header."""
    certificate = _lookup(serial)
    if certificate is None:
        return jsonify(error=_("No certificate has this serial number.")), 404
    response = jsonify(
        snapshot=json.loads(certificate.snapshot_json),
        signature=certificate.signature,
        key_id=certificate.key_id,
    )
    response.headers["Certificate-Status"] = services.status_of(certificate)
    return response


@bp.route("/<serial>.pdf")
@access(PUBLIC)
def pdf(serial: str):
    """The PDF exactly as issued."""
    certificate = _lookup(serial)
    if certificate is None:
        return _not_found(serial)
    response = current_app.response_class(certificate.pdf, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "inline", filename=f"{certificate.serial}.pdf")
    return response
