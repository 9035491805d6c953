"""Accounts: registration, log-in, e-mail confirmation, password reset, settings and API tokens."""
