"""Evidence files: checked by their content (magic bytes, then decoded), stored under instance/evidence.

The name and type a browser sends are never trusted: a file is a PDF only if it starts like one
and pypdf can read its pages, an image only if Pillow decodes it. Files never reach the static
folder and are served as attachments with nosniff.
"""
import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError
from werkzeug.utils import secure_filename

from app.common.files import store_new

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_ENTRY = 5
MAX_PIXELS = 60_000_000
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))


class EvidenceError(ValueError):
    """A file refused as evidence (French message, shown next to the file field)."""


@dataclass
class CheckedFile:
    data: bytes
    kind: str  # pdf, png, jpg
    filename: str

    @property
    def content_type(self):
        return CONTENT_TYPES[self.kind]

    @property
    def size(self):
        return len(self.data)

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def _pdf_is_readable(data):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf reports recoverable damage through logging; a file it cannot read raises.
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return False
        return len(reader.pages) > 0
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, OSError, RecursionError):
        return False


def _image_is_readable(data, kind):
    formats = ["PNG"] if kind == "png" else ["JPEG"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=formats) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    return False
                probe.verify()
            with Image.open(io.BytesIO(data), formats=formats) as image:
                image.load()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
                Image.DecompressionBombError, Image.DecompressionBombWarning):
            return False
    return True


def detect_kind(data):
    """'pdf', 'png' or 'jpg' from the first bytes, or None."""
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def check_bytes(data, filename):
    """The file as evidence, or EvidenceError: not empty, at most 10 MB, a PDF, PNG or JPEG that decodes."""
    name = clean_filename(filename)
    if len(data) > MAX_BYTES:
        raise EvidenceError(f"« {name} » dépasse 10 Mo : réduisez sa taille ou choisissez un autre fichier.")
    if not data:
        raise EvidenceError(f"« {name} » est vide.")
    kind = detect_kind(data)
    if kind == "pdf":
        readable = _pdf_is_readable(data)
    else:
        readable = kind is not None and _image_is_readable(data, kind)
    if not readable:
        raise EvidenceError(
            f"« {name} » n'est pas un fichier PDF, PNG ou JPEG valide (fichier illisible, protégé ou d'un autre type)."
        )
    return CheckedFile(data, kind, name)


def check_upload(storage):
    """Read an uploaded file (never more than 10 MB + 1 byte) and check it."""
    data = storage.stream.read(MAX_BYTES + 1)
    return check_bytes(data, storage.filename or "fichier")


def clean_filename(filename):
    """A safe download name; the extension follows the real content type when stored."""
    name = secure_filename(filename or "") or "piece-justificative"
    return name[-150:]


def download_name(checked):
    stem = checked.filename.rsplit(".", 1)[0] if "." in checked.filename else checked.filename
    return f"{stem or 'piece-justificative'}.{checked.kind}"


# --- storage -----------------------------------------------------------------------------------


def _root():
    return Path(current_app.instance_path) / "evidence"


def evidence_path(storage_key):
    return _root() / storage_key


def store(checked):
    """Write a checked file under instance/evidence; returns its storage key."""
    return store_new(_root(), checked.kind, checked.data)


def remove(storage_key):
    evidence_path(storage_key).unlink(missing_ok=True)
