"""Package modules in the curricula folder: check their SCORM package, then store it on import.

A module with `format: package` names its package in `curricula/packages/`: a `.zip`, or a folder
that is zipped the same way every time (the project's own demo packages are kept as folders, so
that their sources can be read and reviewed). The package is checked like an uploaded one.

Folders may share files: a folder's `shared.txt` names, one a line, files of `packages/_shared/`
(the demo packages' player script and style sheet) zipped at the package's root as if they were in it.
"""
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.extensions import db
from app.training.packages import archive
from app.training.packages.manifest import read_manifest
from app.training.packages.models import ScormPackage

PACKAGES_FOLDER = "packages"
SHARED_FOLDER = "_shared"
SHARED_LIST = "shared.txt"
_FORMAT_PACKAGE = re.compile(r"^format:\s*[\"']?package[\"']?\s*(#.*)?$", re.MULTILINE)


@dataclass
class PackageSource:
    name: str
    data: bytes
    sha256: str
    manifest: object  # manifest.Manifest


@dataclass
class PackageProblem:
    path: str
    line: int
    message: str


def declares_package(module_file):
    """Whether a module.yaml says `format: package` (it is then read with the package schema)."""
    try:
        return bool(_FORMAT_PACKAGE.search(Path(module_file).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return False


def limits():
    return archive.Limits.from_config(current_app.config) if current_app else archive.Limits()


def read_package(data, shown, limits_=None):
    """(PackageSource or None, [PackageProblem]) for a zip's bytes; `shown` names it in messages."""
    inspection = archive.inspect_zip(data, limits_ or limits())
    if inspection.problems:
        return None, [PackageProblem(shown, 1, message) for message in inspection.problems]
    manifest = read_manifest(inspection.manifest, inspection.names)
    where = f"{shown}/{archive.MANIFEST}"
    problems = [PackageProblem(where, p.line, p.message) for p in manifest.problems]
    if problems:
        return None, problems
    return PackageSource(shown.rsplit("/", 1)[-1], data, inspection.sha256, manifest), []


def _bytes_of(path):
    """The package's zip bytes (a folder is zipped), or a French problem."""
    if path.is_symlink():
        return None, "le paquet ne doit pas être un lien symbolique"
    if path.is_dir():
        links = [p for p in path.rglob("*") if p.is_symlink()]
        if links:
            return None, f"lien symbolique interdit dans le paquet : {links[0].relative_to(path).as_posix()}"
        shared, problem = _shared_files(path)
        if problem:
            return None, problem
        return archive.zip_folder(path, extra=shared, leave_out={SHARED_LIST}), None
    if path.is_file():
        return path.read_bytes(), None
    return None, None


def _shared_files(path):
    """({name in the zip: path} of the files the folder's shared.txt takes from packages/_shared/, problem)."""
    listing = path / SHARED_LIST
    if not listing.is_file():
        return {}, None
    folder = path.parent / SHARED_FOLDER
    files = {}
    for name in (line.strip() for line in listing.read_text(encoding="utf-8").splitlines()):
        if not name:
            continue
        source = folder / name
        if not re.fullmatch(r"[\w.-]+", name) or name.startswith(".") or source.is_symlink() or not source.is_file():
            return None, f"fichier partagé introuvable : {PACKAGES_FOLDER}/{SHARED_FOLDER}/{name}"
        if (path / name).exists():
            return None, f"fichier à la fois dans le paquet et partagé : {name}"
        files[name] = source
    return files, None


def check_package_modules(tree, problem_class):
    """Check the package of every `format: package` module of a loaded tree (adds to tree.problems)."""
    for source in tree.modules:
        model = source.model
        if getattr(model, "format", "lessons") != "package":
            continue
        path = tree.directory / PACKAGES_FOLDER / model.package
        shown = str(path) if str(tree.directory) != "." else f"{PACKAGES_FOLDER}/{model.package}"
        data, problem = _bytes_of(path)
        if data is None:
            tree.problems.append(problem_class(
                source.rel_path, source.lines.line(("package",)),
                problem or f"paquet introuvable : {PACKAGES_FOLDER}/{model.package}"))
            continue
        package, problems = read_package(data, shown)
        tree.problems.extend(problem_class(p.path, p.line, p.message) for p in problems)
        source.package = package
    tree.problems.sort(key=lambda p: (p.path, p.line))


def package_content_hash(model, package):
    """A package version's digest: what the module file says and the package's own bytes."""
    data = model.model_dump(mode="json", exclude={"prerequisites", "kind", "partner", "slug", "format"})
    data["package_sha256"] = package.sha256
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def storage_root():
    return Path(current_app.config.get("SCORM_STORAGE_DIR") or Path(current_app.instance_path) / "packages")


def storage_dir(sha256):
    if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
        raise ValueError("invalid package hash")
    return storage_root() / sha256


def attach_package(version, package):
    """Store the package's files (by content hash) and tie the package to this module version."""
    archive.extract(package.data, storage_dir(package.sha256), limits())
    manifest = package.manifest
    version.pass_mark = manifest.mastery_score or 0
    row = ScormPackage(version_id=version.id, sha256=package.sha256, scorm_version=manifest.version,
                       launch_href=manifest.launch_href, title=(manifest.title or version.title)[:200],
                       byte_size=len(package.data))
    db.session.add(row)
    return row
