"""Accounts area: units, learner profiles, role grants and the standalone log-in accounts."""
