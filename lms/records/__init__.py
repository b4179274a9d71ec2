"""Officials' training records (hồ sơ bồi dưỡng) and the organizer's reports.

`models` (yearly targets, external training, unit successors), `services` (a person's record:
completed classes, external training, yearly totals against the target), `evidence` (uploaded
scans, checked and kept in the instance folder), `reports` (figures for a unit subtree and a
period, aggregated in SQL), `charts` (server-rendered SVG), `exports` (PDF and XLSX), `forms`,
`views` (the pages).
"""
