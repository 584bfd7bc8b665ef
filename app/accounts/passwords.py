"""Password hashing with argon2id, parameters from the configuration."""
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_hashers = {}


def _hasher():
    config = current_app.config
    key = (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])
    if key not in _hashers:
        _hashers[key] = PasswordHasher(
            time_cost=key[0], memory_cost=key[1], parallelism=key[2], type=Type.ID
        )
    return _hashers[key]


def hash_password(password):
    return _hasher().hash(password)


def verify_password(password_hash, password):
    """True when the password matches; never raises on a bad or missing hash."""
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    return _hasher().check_needs_rehash(password_hash)


# Spent on unknown accounts so that timing does not reveal which e-mails exist.
def burn_time(password):
    verify_password(dummy_hash(), password)


def dummy_hash():
    config = current_app.config
    key = ("dummy", config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"])
    if key not in _hashers:
        _hashers[key] = hash_password("passerelle-dummy-password")
    return _hashers[key]


_COMMON = None
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common_passwords.txt"


def common_passwords():
    """The shipped list of common passwords (lower case), loaded once."""
    global _COMMON
    if _COMMON is None:
        lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
        _COMMON = frozenset(line for line in lines if line and not line.startswith("#"))
    return _COMMON


def password_problem(password, min_length):
    """A French message when the password is not acceptable, else None.

    Any Unicode is accepted and nothing is truncated (argon2 hashes the whole phrase).
    """
    if len(password) < min_length:
        return f"Le mot de passe doit contenir au moins {min_length} caractères."
    if len(password) > 1024:
        return "Le mot de passe ne peut pas dépasser 1 024 caractères."
    normalised = " ".join(password.lower().split())
    if normalised in common_passwords() or normalised.replace(" ", "") in common_passwords():
        return "Ce mot de passe est trop courant : choisissez une phrase de passe personnelle."
    if len(set(password)) < 4:
        return "Ce mot de passe est trop répétitif : choisissez une phrase de passe personnelle."
    return None
