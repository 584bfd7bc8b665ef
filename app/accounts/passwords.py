"""Password hashing with argon2id, parameters from the configuration."""
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


def password_problem(password, min_length):
    """A French message when the password is not acceptable, else None."""
    if len(password) < min_length:
        return f"Le mot de passe doit contenir au moins {min_length} caractères."
    if len(password) > 1024:
        return "Le mot de passe ne peut pas dépasser 1 024 caractères."
    return None
