"""Organizer area: the people of the units an organizer is responsible for."""
