"""Instance keys kept under instance/ (never committed), generated before the server starts."""
import os
import secrets
import tempfile
from pathlib import Path

# File names, not secrets.
SECRET_KEY_FILE = "secret_key"  # noqa: S105  # nosec B105
SIGNING_KEY_FILE = "passport_signing_key.pem"
SIGNING_KEY_BITS = 3072
_key_files = []  # function(instance_path) -> [names created], registered by the domains


def register_key_file(function):
    """A domain's own instance key, created by `flask keys generate` with the others."""
    if function not in _key_files:
        _key_files.append(function)


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


def new_signing_key_pem(bits=SIGNING_KEY_BITS):
    """A new RSA private key (PKCS#8 PEM, unencrypted) for signing passport credentials."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def instance_signing_key(instance_path, create=True):
    """The PEM bytes of instance/passport_signing_key.pem, created (0600) when missing and allowed.

    The file is written under a temporary name then linked into place, so that two processes
    racing to create it both end up reading the same complete key.
    """
    path = Path(instance_path) / SIGNING_KEY_FILE
    if path.exists():
        return path.read_bytes()
    if not create:
        return None
    fd, tmp = tempfile.mkstemp(dir=instance_path, prefix=".signing-key-")  # created 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new_signing_key_pem())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won the race: keep its key
    finally:
        os.unlink(tmp)
    return path.read_bytes()


def generate_keys(instance_path):
    """Create the missing instance keys; returns the names of those created."""
    created = []
    if not (Path(instance_path) / SECRET_KEY_FILE).exists():
        instance_secret_key(instance_path)
        created.append(SECRET_KEY_FILE)
    if not (Path(instance_path) / SIGNING_KEY_FILE).exists():
        instance_signing_key(instance_path)
        created.append(SIGNING_KEY_FILE)
    for function in _key_files:
        created.extend(function(instance_path))
    return created
