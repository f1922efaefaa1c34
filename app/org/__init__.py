"""The organisation: bureaus, users, who may see what, API tokens."""
