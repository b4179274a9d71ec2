"""A template printed with a sample learner, so an organizer sees the layout before issuing.
Not a certificate: its serial says so, and nothing is stored or signed."""

from flask_babel import gettext as _

from lms.certificates import pdf
from lms.certificates.models import CertificateTemplate
from lms.db import utcnow


def sample_pdf(template: CertificateTemplate) -> bytes:
    now = utcnow().replace(microsecond=0)
    snapshot = {
        "serial": _("SAMPLE"),
        "full_name": "Nguyễn Thị Ánh Tuyết",
        "course_title": _("Sample course title"),
        "hours": 16,
        "date_of_birth": "1985-03-02",
        "official_code": "01.003.000123",
        "unit": _("Sample unit"),
        "position": _("Officer"),
        "class_name": _("Sample class"),
        "class_code": "LOP-MAU",
        "starts_on": now.date().isoformat(),
        "ends_on": now.date().isoformat(),
        "grades": [86.5],
        "decision_number": "123/QĐ-SNV",
        "decision_date": now.date().isoformat(),
        "decision_issuer": template.issuer.splitlines()[-1],
        "fields": list(template.fields),
        "expires_at": None,
        "issued_at": now.isoformat().replace("+00:00", "Z"),
        "heading": template.heading,
        "issuer": template.issuer,
        "signer_name": template.signer_name,
        "signer_title": template.signer_title,
        "issue_place": template.issue_place,
        "verify_url": _("(the verification address)"),
    }
    return pdf.render(snapshot)
