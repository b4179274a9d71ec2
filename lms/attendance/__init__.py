"""Attendance: a class's sessions (buổi học), per-class statuses with points, marks with their
audit trail, rates that feed the completion rules, marking pages, exports, sign-in sheets,
imports, self check-in with rotating codes, and a private iCalendar feed."""
