"""Fiches réflexes for the desk (urgences, escalade, recours, identifiants): one printable A4 page each.

Read from the curricula folder (`fiches/<code>.yaml`) like the trainer's kit section of module files:
`flask curricula validate` and `flask curricula import` check them (an invalid sheet stops the import),
and a sheet with a problem is not shown. Readers: HR of an organisation and tutors, like the kits.
"""
import threading
from dataclasses import dataclass
from pathlib import Path

from app.training.curricula.sheets import FOLDER
from app.training.curricula.validate import load_sheets

# Parsing the YAML with its line numbers costs ~150 ms for the four sheets: keep the result per folder
# until a file changes (name, size or modification time), so a page costs a directory listing.
_CACHE = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class SheetLine:
    text: str
    refs: tuple  # numbers of the sheet's sources that prove the line ([1], [2] ...)


@dataclass(frozen=True)
class SheetPart:
    title: str
    lines: tuple


@dataclass(frozen=True)
class SheetRef:
    number: int
    title: str
    url: str


@dataclass(frozen=True)
class ReflexSheet:
    code: str
    title: str
    purpose: str
    parts: tuple
    sources: tuple
    updated_on: object
    reviewed_by: str
    verification_pending: bool
    module_slug: str | None
    lesson_slug: str | None


def from_model(model):
    """The sheet as the pages and the PDF show it: sources numbered in file order."""
    numbers = {source.id: n for n, source in enumerate(model.sources, 1)}
    parts = tuple(SheetPart(section.title, tuple(SheetLine(item.text, tuple(sorted({numbers[ref] for ref in item.sources})))
                                                 for item in section.items))
                  for section in model.sections)
    return ReflexSheet(
        code=model.code, title=model.title, purpose=model.purpose, parts=parts,
        sources=tuple(SheetRef(n, s.title, s.url) for n, s in enumerate(model.sources, 1)),
        updated_on=model.updated, reviewed_by=model.reviewed_by, verification_pending=model.verification == "pending",
        module_slug=model.module, lesson_slug=model.lesson)


def _signature(directory):
    folder = Path(directory) / FOLDER
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob("*.yaml")))


def all_sheets(directory):
    """Every valid sheet of the curricula folder, in their declared order (cached until a file changes)."""
    key, signature = str(Path(directory).resolve()), _signature(directory)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    found, _problems = load_sheets(directory)
    sheets = tuple(from_model(source.model) for source in sorted(found, key=lambda s: s.model.order))
    with _LOCK:
        _CACHE[key] = (signature, sheets)
    return sheets


def sheet_for(code, directory):
    """The sheet with this code, or None (unknown or invalid: the view answers 404)."""
    return next((sheet for sheet in all_sheets(directory) if sheet.code == code), None)
