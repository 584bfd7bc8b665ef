"""Observation grids: `grids/<competency>.yaml`, 4 to 6 observable behaviours per level of the scale."""
import hashlib
import json
import re
from dataclasses import dataclass

from app.training.curricula import schema

LEVELS = (1, 2, 3, 4)
MIN_BEHAVIOURS, MAX_BEHAVIOURS = 4, 6


@dataclass
class GridSource:
    rel_path: str
    model: schema.GridFile
    lines: object

    @property
    def digest(self):
        raw = json.dumps(self.model.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _normalise(text):
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def load_grids(tree, load, problem):
    """Read every grids/*.yaml of the tree with `load(tree, rel, model)`; returns [GridSource]."""
    folder = tree.directory / "grids"
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.yaml")):
        model, lines, shown = load(tree, f"grids/{path.name}", schema.GridFile)
        if model is None:
            continue
        if model.competency != path.stem:
            problem(shown, lines.line(("competency",)),
                    f"la grille de {model.competency} doit s'appeler grids/{model.competency}.yaml")
        found.append(GridSource(shown, model, lines))
    return found


def check_coverage(referential, lines, path, grids, warning):
    """A competency of the referential without a grid cannot be observed at work: a warning at its code.

    A warning, not an error: a new competency may be published before its grid is written, and
    `make run` must not stop for it (the passport then says that no grid exists yet)."""
    if referential is None or lines is None:
        return
    covered = {grid.model.competency for grid in grids}
    for a_index, activity in enumerate(referential.activities):
        for c_index, competency in enumerate(activity.competencies):
            if competency.code not in covered:
                warning(path, lines.line(("activities", a_index, "competencies", c_index, "code")),
                        f"compétence {competency.code} sans grille d'observation (grids/{competency.code}.yaml) : "
                        "elle ne peut pas être observée en situation")


def check_grids(grids, competencies, problem):
    """Unknown competency, a missing level, 4 to 6 behaviours per level, no behaviour twice in a grid."""
    for grid in grids:
        model, lines, path = grid.model, grid.lines, grid.rel_path
        if competencies is not None and model.competency not in competencies:
            problem(path, lines.line(("competency",)), f"compétence inconnue : {model.competency}")
        missing = [level for level in LEVELS if level not in model.levels]
        if missing:
            problem(path, lines.line(("levels",)), "grille sans comportement pour le(s) niveau(x) "
                    + ", ".join(map(str, missing)))
        seen = {}
        for level in sorted(model.levels):
            behaviours = model.levels[level]
            if not MIN_BEHAVIOURS <= len(behaviours) <= MAX_BEHAVIOURS:
                problem(path, lines.line(("levels", level)),
                        f"niveau {level} : {len(behaviours)} comportement(s), il en faut de "
                        f"{MIN_BEHAVIOURS} à {MAX_BEHAVIOURS}")
            for index, text in enumerate(behaviours):
                key = _normalise(text)
                if key in seen:
                    problem(path, lines.line(("levels", level, index)),
                            f"comportement en double (déjà au niveau {seen[key]}) : {text[:60]}")
                seen.setdefault(key, level)
