"""Main area: home pages of each role, health check, language switch."""
