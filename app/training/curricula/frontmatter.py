"""A lesson file's front matter: who reviewed it and when, and whether a fact awaits verification.

    ---
    updated: 2026-12-06
    reviewed_by: "référent CAF"
    verification: pending   # optional; only when a fact could not be verified yet
    ---
"""
from dataclasses import dataclass
from datetime import date

from app.training.curricula.yamllines import YamlError, load_with_lines

FENCE = "---"
KEYS = ("updated", "reviewed_by", "verification")


@dataclass(frozen=True)
class LessonMeta:
    updated: date | None = None
    reviewed_by: str | None = None
    verification_pending: bool = False
    line_of_updated: int = 1


@dataclass
class Parsed:
    meta: LessonMeta
    body: str
    problems: list  # (line, message)


def parse_lesson(text):
    """Split a lesson file into its metadata and its Markdown body (the body never shows the block)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        return Parsed(LessonMeta(), text, [(1, "bloc de métadonnées manquant en tête de leçon "
                                               "(--- updated, reviewed_by ---)")])
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if end is None:
        return Parsed(LessonMeta(), text, [(1, "bloc de métadonnées non fermé (ligne --- manquante)")])
    body = "".join(lines[end + 1:]).lstrip("\n")
    problems = []
    try:
        data, line_map = load_with_lines("".join(lines[1:end]))
    except YamlError as exc:
        return Parsed(LessonMeta(), body, [(exc.line + 1, exc.message)])
    if not isinstance(data, dict):
        return Parsed(LessonMeta(), body, [(1, "le bloc de métadonnées doit être un ensemble de champs (clé: valeur)")])

    def line(key):
        return line_map.line((key,)) + 1  # +1: the opening fence

    for key in data:
        if key not in KEYS:
            problems.append((line(key), f"champ de métadonnées inconnu « {key} »"))
    updated = data.get("updated")
    if updated is None:
        problems.append((1, "métadonnée obligatoire « updated » (date de mise à jour) manquante"))
    elif not isinstance(updated, date):
        problems.append((line("updated"), "« updated » doit être une date au format AAAA-MM-JJ"))
        updated = None
    reviewed_by = data.get("reviewed_by")
    if not isinstance(reviewed_by, str) or not reviewed_by.strip():
        where = line("reviewed_by") if "reviewed_by" in data else 1
        problems.append((where, "métadonnée obligatoire « reviewed_by » (rôle du relecteur) manquante"))
        reviewed_by = None
    verification = data.get("verification")
    if verification is not None and verification != "pending":
        problems.append((line("verification"), "« verification » ne peut valoir que pending"))
    meta = LessonMeta(updated, reviewed_by.strip() if reviewed_by else None, verification == "pending",
                      line("updated") if "updated" in data else 1)
    return Parsed(meta, body, problems)
