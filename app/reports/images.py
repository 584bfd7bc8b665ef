"""Screenshots: decoded and re-encoded with Pillow (metadata stripped), stored under the instance.

Files never reach the static folder. Between the preview and the confirmation, processed
screenshots wait in a pending folder named by a signed token bound to the agent.
"""
import io
import secrets
import shutil
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from PIL import Image, ImageOps, UnidentifiedImageError

from app.common.files import store_new

MAX_FILES = 5
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
EXTENSIONS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
SUFFIXES = {"PNG": "png", "JPEG": "jpg"}
PENDING_SECONDS = 24 * 3600


class ScreenshotError(ValueError):
    """A file refused as a screenshot (French message naming the file)."""


@dataclass
class Screenshot:
    data: bytes
    format: str
    width: int
    height: int

    @property
    def content_type(self):
        return CONTENT_TYPES[self.format]

    @property
    def suffix(self):
        return SUFFIXES[self.format]


def _read(storage):
    data = storage.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ScreenshotError(f"« {storage.filename} » dépasse 5 Mo.")
    if not data:
        raise ScreenshotError(f"« {storage.filename} » est vide.")
    return data


def reencode(data, name="capture"):
    """Decode an image and encode it again from its pixels only: EXIF, XMP, ICC and text go."""
    invalid = ScreenshotError(f"« {name} » n'est pas une image PNG ou JPEG valide (fichier illisible ou tronqué).")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=["PNG", "JPEG"]) as probe:
                fmt = probe.format
                if probe.width * probe.height > MAX_PIXELS:
                    raise ScreenshotError(f"« {name} » est trop grande (plus de 40 millions de pixels).")
                probe.verify()
            with Image.open(io.BytesIO(data), formats=["PNG", "JPEG"]) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                has_alpha = "A" in image.getbands() or "transparency" in image.info
                mode = "RGBA" if fmt == "PNG" and has_alpha else "RGB"
                pixels = image.convert(mode)
                clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
        except ScreenshotError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
                Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise invalid from exc
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, format="JPEG", quality=90, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=True)
    return Screenshot(out.getvalue(), fmt, clean.width, clean.height)


def process_uploads(storages):
    """Check and re-encode uploaded files; raises ScreenshotError with every problem found."""
    storages = [s for s in storages or [] if s and getattr(s, "filename", "")]
    if len(storages) > MAX_FILES:
        raise ScreenshotError(f"Joignez au plus {MAX_FILES} captures d'écran.")
    problems, result = [], []
    for storage in storages:
        extension = storage.filename.rsplit(".", 1)[-1].lower() if "." in storage.filename else ""
        try:
            if extension not in EXTENSIONS:
                raise ScreenshotError(
                    f"« {storage.filename} » : seuls les fichiers PNG et JPEG sont acceptés."
                )
            result.append(reencode(_read(storage), storage.filename))
        except ScreenshotError as exc:
            problems.append(str(exc))
    if problems:
        raise ScreenshotError(" ".join(problems))
    return result


# --- storage -----------------------------------------------------------------------------------


def _root():
    return Path(current_app.instance_path) / "reports"


def attachment_path(stored_name):
    return _root() / "attachments" / stored_name


def store_attachment(screenshot):
    """Write a processed screenshot; returns its stored file name."""
    return store_new(_root() / "attachments", screenshot.suffix, screenshot.data)


def remove_attachment(stored_name):
    attachment_path(stored_name).unlink(missing_ok=True)


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="report-screenshots")


def _pending_dir(name):
    return _root() / "pending" / name


def stash_pending(user, screenshots):
    """Keep processed screenshots until the report is confirmed; returns a signed token."""
    purge_stale_pending()
    if not screenshots:
        return ""
    name = secrets.token_hex(16)
    folder = _pending_dir(name)
    folder.mkdir(parents=True)
    for index, shot in enumerate(screenshots):
        (folder / f"{index}.{shot.suffix}").write_bytes(shot.data)
    return _serializer().dumps({"u": user.id, "d": name})


def _pending_folder(user, token):
    if not token:
        return None
    try:
        payload = _serializer().loads(token, max_age=PENDING_SECONDS)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("u") != user.id:
        return None
    name = str(payload.get("d", ""))
    if not name.isalnum():
        return None
    folder = _pending_dir(name)
    return folder if folder.is_dir() else None


def load_pending(user, token):
    """The screenshots stashed under this agent's token (empty when expired or foreign)."""
    folder = _pending_folder(user, token)
    if folder is None:
        return []
    shots = []
    for path in sorted(folder.iterdir()):
        fmt = "JPEG" if path.suffix == ".jpg" else "PNG"
        with Image.open(path) as image:
            shots.append(Screenshot(path.read_bytes(), fmt, image.width, image.height))
    return shots


def discard_pending(user, token):
    folder = _pending_folder(user, token)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def purge_stale_pending():
    """Remove screenshots of previews that were never confirmed."""
    base = _root() / "pending"
    if not base.is_dir():
        return
    limit = time.time() - PENDING_SECONDS
    for folder in base.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
