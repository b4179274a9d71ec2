"""Imports every model module, so the metadata is complete for migrations and `create_all`."""

from lms.accounts import models as accounts_models
from lms.api import models as api_models
from lms.attendance import models as attendance_models
from lms.audit import models as audit_models
from lms.certificates import models as certificates_models
from lms.classes import models as classes_models
from lms.courses import models as courses_models
from lms.courses.search import models as search_models
from lms.quizzes import models as quizzes_models
from lms.ratelimit import RateCounter
from lms.records import models as records_models

__all__ = [
    "RateCounter",
    "accounts_models",
    "api_models",
    "attendance_models",
    "audit_models",
    "certificates_models",
    "classes_models",
    "courses_models",
    "quizzes_models",
    "records_models",
    "search_models",
]
