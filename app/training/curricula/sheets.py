"""Fiches réflexes: `fiches/<code>.yaml`, one printable A4 page each (urgences, escalade, recours, identifiants).

Checked like the rest of the curricula, with `path:line` messages: the file is named after its code, every
section has items, every sheet cites sources and every fact names a source of its own sheet.
"""
from dataclasses import dataclass

from app.training.curricula import schema

FOLDER = "fiches"


@dataclass
class SheetSource:
    rel_path: str
    model: schema.ReflexSheetFile
    lines: object


def load_sheets(tree, load, problem):
    """Read every fiches/*.yaml of the tree with `load(tree, rel, model)`; returns [SheetSource] (valid shapes)."""
    folder = tree.directory / FOLDER
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.yaml")):
        model, lines, shown = load(tree, f"{FOLDER}/{path.name}", schema.ReflexSheetFile)
        if model is None:
            continue
        if model.code != path.stem:
            problem(shown, lines.line(("code",)), f"la fiche « {model.code} » doit s'appeler {FOLDER}/{model.code}.yaml")
        found.append(SheetSource(shown, model, lines))
    return found


def check_sheets(sheets, modules, problem):
    """Sources present and used by id, no empty section, no code or order twice, a known module and lesson.

    `modules` maps each valid module's slug to its lesson slugs (None: not checked)."""
    codes, orders = {}, {}
    for sheet in sheets:
        m, lines, path = sheet.model, sheet.lines, sheet.rel_path
        if m.code in codes:
            problem(path, lines.line(("code",)), f"code de fiche en double : {m.code} (déjà dans {codes[m.code]})")
        codes.setdefault(m.code, path)
        if m.order in orders:
            problem(path, lines.line(("order",)), f"ordre {m.order} déjà pris par {orders[m.order]}")
        orders.setdefault(m.order, path)
        if m.lesson is not None and m.module is None:
            problem(path, lines.line(("lesson",)), "une leçon se cite avec son module (champ « module »)")
        if modules is not None and m.module is not None:
            if m.module not in modules:
                problem(path, lines.line(("module",)), f"module inconnu : {m.module}")
            elif m.lesson is not None and m.lesson not in modules[m.module]:
                problem(path, lines.line(("lesson",)), f"leçon inconnue dans le module {m.module} : {m.lesson}")
        if not m.sources:
            problem(path, lines.line(("sources",)), "aucune source : une fiche cite la page officielle de chaque fait")
        ids = set()
        for i, source in enumerate(m.sources):
            if source.id in ids:
                problem(path, lines.line(("sources", i, "id")), f"identifiant de source en double : {source.id}")
            ids.add(source.id)
        for i, section in enumerate(m.sections):
            if not section.items:
                problem(path, lines.line(("sections", i)), f"section vide : « {section.title} »")
            for j, item in enumerate(section.items):
                for k, ref in enumerate(getattr(item, "sources", ())):
                    if ref not in ids:
                        problem(path, lines.line(("sections", i, "items", j, "sources", k)),
                                f"source inconnue : {ref} (déclarez-la dans « sources »)")


def check_one_page(sheets, problems, problem):
    """A sheet prints on one A4 page (its body shrinks down to the smallest size first); only sheets
    without other problems are printed."""
    from app.training.reflex_pdf import fits_one_page
    from app.training.reflex_sheets import from_model

    broken = {p.path for p in problems}
    for sheet in sheets:
        if sheet.rel_path not in broken and not fits_one_page(from_model(sheet.model)):
            problem(sheet.rel_path, sheet.lines.line(("sections",)),
                    "la fiche ne tient pas sur une page A4, même en petits caractères : raccourcissez-la")
