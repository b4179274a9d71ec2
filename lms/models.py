"""Imports every model module, so the metadata is complete for migrations and `create_all`."""

from lms.accounts import models as accounts_models
from lms.audit import models as audit_models

__all__ = ["accounts_models", "audit_models"]
