"""Accounts: users, organisations, sign-in, sessions, two-factor, privacy requests."""
