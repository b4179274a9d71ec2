"""Classes area: classes (lớp) of a course version, trainers, enrolment and rosters."""
