"""Instance keys kept under instance/ (never committed), generated before the server starts."""
import os
import secrets
from pathlib import Path

# A file name, not a secret.
SECRET_KEY_FILE = "secret_key"  # noqa: S105  # nosec B105


def instance_secret_key(instance_path, create=True):
    """The instance's SECRET_KEY, created on first use outside production."""
    path = Path(instance_path) / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    if not create:
        return None
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def generate_keys(instance_path):
    """Create the missing instance keys; returns the names of those created."""
    created = []
    if not (Path(instance_path) / SECRET_KEY_FILE).exists():
        instance_secret_key(instance_path)
        created.append(SECRET_KEY_FILE)
    return created
