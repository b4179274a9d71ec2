"""Admin area: units, accounts and role grants."""
