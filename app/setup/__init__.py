"""Bringing an installation to life: the database, demo data, wiring of hooks."""
