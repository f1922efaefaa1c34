"""Secure defaults: the secret key, sessions, passwords, throttling, headers, input hygiene."""
