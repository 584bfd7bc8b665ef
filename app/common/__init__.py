"""Shared helpers every domain may use; imports no domain package (domains register with it)."""
