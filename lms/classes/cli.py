"""`lms classes …` and `lms enrol …` commands."""

from flask.cli import AppGroup

classes_group = AppGroup("classes", help="Classes (lớp): create and list.")
enrol_group = AppGroup("enrol", help="Enrol officials in classes.")
