"""Departments and banks (联合惩戒): organisation accounts and their API keys, the query
log, webhook subscriptions fed by an outbox of register events, and their feedback."""
