"""Safe reading of a SCORM zip: limits, no path traversal, no links, no zip bombs.

Every check runs on the archive's directory before a byte is extracted, and extraction checks
again what it actually inflates (a zip may lie about its sizes). Problems are French sentences
naming the entry at fault; an archive with any problem is never extracted.
"""
import hashlib
import io
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MANIFEST = "imsmanifest.xml"


@dataclass(frozen=True)
class Limits:
    max_zip_bytes: int = 100 * 1024 * 1024
    max_total_bytes: int = 300 * 1024 * 1024
    max_files: int = 5000
    max_ratio: int = 100  # inflated size / compressed size, per entry and overall

    @classmethod
    def from_config(cls, config):
        return cls(
            max_zip_bytes=config.get("SCORM_MAX_ZIP_BYTES", cls.max_zip_bytes),
            max_total_bytes=config.get("SCORM_MAX_UNZIPPED_BYTES", cls.max_total_bytes),
            max_files=config.get("SCORM_MAX_FILES", cls.max_files),
            max_ratio=config.get("SCORM_MAX_RATIO", cls.max_ratio),
        )


@dataclass
class Inspection:
    """What the archive holds (when it is safe) and what is wrong with it."""

    sha256: str = ""
    size: int = 0
    names: set = field(default_factory=set)  # regular files, normalised POSIX paths
    problems: list = field(default_factory=list)  # French messages
    manifest: bytes | None = None


def _megabytes(size):
    return f"{size / (1024 * 1024):.0f} Mo"


def _unsafe_name(name):
    """Why an entry's name would escape the package folder (None when it stays inside)."""
    if "\\" in name or "\x00" in name:
        return "caractère interdit"
    path = PurePosixPath(name)
    if path.is_absolute() or (len(name) > 1 and name[1] == ":"):
        return "chemin absolu"
    if any(part == ".." for part in path.parts):
        return "remontée de dossier"
    return None


def _is_symlink(info):
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def inspect_zip(data, limits=Limits()):
    """Check a zip (bytes) without extracting it; `problems` is empty when it may be imported."""
    report = Inspection(sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    if len(data) > limits.max_zip_bytes:
        report.problems.append(
            f"paquet trop volumineux : {_megabytes(len(data))} (maximum {_megabytes(limits.max_zip_bytes)})")
        return report
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        report.problems.append("le fichier n'est pas une archive ZIP valide")
        return report
    if len(infos) > limits.max_files:
        report.problems.append(f"trop de fichiers dans le paquet : {len(infos)} (maximum {limits.max_files})")
        return report
    total = compressed = 0
    for info in infos:
        name = info.filename
        reason = _unsafe_name(name)
        if reason:
            report.problems.append(f"chemin interdit dans l'archive ({reason}, hors du dossier du paquet) : {name}")
            continue
        if _is_symlink(info):
            report.problems.append(f"lien symbolique interdit dans l'archive : {name}")
            continue
        if info.flag_bits & 0x1:
            report.problems.append(f"fichier chiffré interdit dans l'archive : {name}")
            continue
        if info.is_dir():
            continue
        total += info.file_size
        compressed += info.compress_size
        if info.file_size > limits.max_ratio * max(info.compress_size, 1) and info.file_size > 1024 * 1024:
            report.problems.append(
                f"taux de compression suspect (bombe de décompression) : {name} "
                f"({info.file_size // max(info.compress_size, 1)} pour 1, maximum {limits.max_ratio} pour 1)")
            continue
        report.names.add(str(PurePosixPath(name)))
    if total > limits.max_total_bytes:
        report.problems.append(
            f"paquet trop volumineux une fois décompressé : {_megabytes(total)} "
            f"(maximum {_megabytes(limits.max_total_bytes)})")
    elif total > 1024 * 1024 and total > limits.max_ratio * max(compressed, 1):
        report.problems.append(f"taux de compression global suspect (bombe de décompression) : "
                               f"{total // max(compressed, 1)} pour 1 (maximum {limits.max_ratio} pour 1)")
    if report.problems:
        return report
    if MANIFEST not in report.names:
        report.problems.append("fichier imsmanifest.xml manquant à la racine du paquet")
        return report
    report.manifest = _read_capped(archive, archive.getinfo(MANIFEST), 5 * 1024 * 1024)
    if report.manifest is None:
        report.problems.append("imsmanifest.xml est trop volumineux (maximum 5 Mo)")
    return report


def _read_capped(archive, info, cap):
    """The entry's bytes, or None when it inflates past `cap` (whatever its header claims)."""
    with archive.open(info) as stream:
        data = stream.read(cap + 1)
    return None if len(data) > cap else data


def extract(data, destination, limits=Limits()):
    """Extract an inspected archive into `destination` (created atomically; kept if it already exists).

    Raises ValueError with a French message if the archive turns out to inflate past its limits.
    """
    destination = Path(destination)
    if destination.is_dir():
        return destination  # stored by content hash: the same bytes were extracted before
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=destination.parent))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        budget = limits.max_total_bytes
        for info in archive.infolist():
            if info.is_dir() or _unsafe_name(info.filename) or _is_symlink(info):
                continue
            target = staging.joinpath(*PurePosixPath(info.filename).parts)
            if staging.resolve() not in target.resolve().parents:
                raise ValueError(f"chemin interdit dans l'archive : {info.filename}")
            target.parent.mkdir(parents=True, exist_ok=True)
            cap = min(budget, limits.max_ratio * max(info.compress_size, 1) + 1024 * 1024)
            content = _read_capped(archive, info, cap)
            if content is None:
                raise ValueError(f"taux de compression suspect (bombe de décompression) : {info.filename}")
            budget -= len(content)
            with open(target, "wb") as out:
                out.write(content)
            os.chmod(target, 0o644)
        try:
            staging.rename(destination)
        except OSError:  # another process stored the same package meanwhile
            shutil.rmtree(staging, ignore_errors=True)
    except Exception:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return destination


def zip_folder(folder, extra=None, leave_out=()):
    """A package folder as zip bytes, the same bytes for the same files (fixed dates, sorted).

    `extra` adds files from elsewhere ({name in the zip: path}); `leave_out` names the folder's own files
    that are not part of the package."""
    folder = Path(folder)
    files = {PurePosixPath(p.relative_to(folder).as_posix()): p
             for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}
    files = {name: path for name, path in files.items() if str(name) not in leave_out}
    files.update({PurePosixPath(name): Path(path) for name, path in (extra or {}).items()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path in sorted(files.items()):
            info = zipfile.ZipInfo(name.as_posix(), date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
