"""Encryption at rest of citizen file blocks and attachments (Fernet: AES-128-CBC + HMAC-SHA256).

The key comes from SUPPORT_DATA_KEY; outside production it is generated once into
instance/support_data_key (`flask keys generate` or the first use), like the other instance keys.
"""
import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

KEY_FILE = "support_data_key"


class DataKeyMissing(RuntimeError):
    """Production without SUPPORT_DATA_KEY: citizen data cannot be stored."""


def instance_data_key(instance_path, create=True):
    """The key stored in instance/support_data_key, created (0600) when missing and allowed."""
    path = Path(instance_path) / KEY_FILE
    if path.exists():
        return path.read_text().strip()
    if not create:
        return None
    value = Fernet.generate_key().decode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()  # another process created it first
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def generate_key_file(instance_path):
    """Create instance/support_data_key when missing; returns [name] when created."""
    if (Path(instance_path) / KEY_FILE).exists():
        return []
    instance_data_key(instance_path)
    return [KEY_FILE]


def _fernet():
    key = current_app.config.get("SUPPORT_DATA_KEY")
    if not key:
        if current_app.config["APP_ENV"] == "production":
            raise DataKeyMissing("SUPPORT_DATA_KEY n'est pas défini : impossible de chiffrer les données usager.")
        key = instance_data_key(current_app.instance_path)
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt_bytes(data):
    return _fernet().encrypt(data)


def decrypt_bytes(token):
    try:
        return _fernet().decrypt(token)
    except InvalidToken:
        return None


def encrypt_json(value):
    return encrypt_bytes(json.dumps(value, ensure_ascii=False).encode())


def decrypt_json(token):
    data = decrypt_bytes(token) if token else None
    return json.loads(data) if data else None
