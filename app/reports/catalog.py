"""The catalogue data file: validated (`path:line: message` in French), then imported.

Import is all or nothing and idempotent: running it twice changes nothing the second time.
Entries removed from the file are deactivated, never deleted (reports keep pointing at them).
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.accounts.models import Team
from app.audit.services import audit
from app.common.files import Problem
from app.extensions import db
from app.reports.catalog_models import Application, Operator, Procedure, Step

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "catalog.yaml"
TEAM_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
URL = re.compile(r"^https://[^\s/$.?#][^\s]*$")


class CatalogInvalid(ValueError):
    def __init__(self, problems):
        super().__init__(f"{len(problems)} erreur(s) dans le catalogue")
        self.problems = problems


# --- YAML with line numbers -------------------------------------------------------------------


class LineDict(dict):
    line = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = {}

    def line_of(self, key):
        return self.lines.get(key, self.line)


class LineList(list):
    line = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = []


class _Loader(yaml.SafeLoader):
    """Safe loader whose mappings and lists remember their line numbers."""

    duplicate_keys = None


def _mapping(loader, node):
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            loader.duplicate_keys.append((key_node.start_mark.line + 1, key))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader, node):
    result = LineList()
    result.line = node.start_mark.line + 1
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.lines.append(item.start_mark.line + 1)
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


# --- validation -------------------------------------------------------------------------------


class _Checker:
    def __init__(self, path):
        self.path = path
        self.problems = []

    def add(self, line, message):
        self.problems.append(Problem(self.path, line, message))

    def mapping(self, value, line, what, allowed, required):
        if not isinstance(value, dict):
            self.add(line, f"{what} : une liste de clés et de valeurs est attendue.")
            return False
        for key in value:
            if key not in allowed:
                self.add(value.line_of(key), f"{what} : clé inconnue « {key} ».")
        for key in required:
            if key not in value or value[key] in (None, ""):
                self.add(value.line, f"{what} : la clé « {key} » est obligatoire.")
        return True

    def items(self, value, line, what, required=True):
        if value is None:
            if required:
                self.add(line, f"{what} : la liste est obligatoire.")
            return []
        if not isinstance(value, list):
            self.add(line, f"{what} : une liste est attendue.")
            return []
        if required and not value:
            self.add(line, f"{what} : la liste ne doit pas être vide.")
        return list(zip(value, value.lines, strict=True))

    def text(self, mapping, key, what, low, high, required=True):
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not (low <= len(value.strip()) <= high):
            self.add(mapping.line_of(key), f"{what} : « {key} » doit être un texte de {low} à {high} caractères.")
            return None
        return value.strip()

    def code(self, mapping, key, pattern, what, hint):
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not pattern.match(value) or len(value) > 60:
            self.add(mapping.line_of(key), f"{what} : code « {value} » invalide ({hint}).")
            return None
        return value

    def days(self, mapping, key, what):
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 90:
            self.add(mapping.line_of(key), f"{what} : « {key} » doit être un nombre de jours entre 1 et 90.")
            return None
        return value


def _check_deadlines(checker, owner, what, default):
    ack = checker.days(owner, "acknowledge_days", what) or default[0]
    answer = checker.days(owner, "answer_days", what) or default[1]
    if ack > answer:
        checker.add(owner.line, f"{what} : le délai pour accuser réception dépasse le délai de réponse.")
    return ack, answer


def validate(data, path):
    """The problems of a parsed catalogue (empty list when valid)."""
    c = _Checker(path)
    if not c.mapping(data, 1, "Catalogue", {"version", "deadlines", "teams", "operators", "sources"},
                     ["version", "teams", "operators"]):
        return c.problems
    default = (3, 10)
    deadlines = data.get("deadlines")
    if deadlines is not None and c.mapping(deadlines, data.line_of("deadlines"), "Délais",
                                           {"acknowledge_days", "answer_days"}, []):
        default = _check_deadlines(c, deadlines, "Délais", default)
    teams = set()
    for team, line in c.items(data.get("teams"), data.line_of("teams"), "Équipes"):
        if not c.mapping(team, line, "Équipe", {"code", "name"}, ["code", "name"]):
            continue
        code = c.code(team, "code", TEAM_CODE, "Équipe", "majuscules, chiffres et tirets, par exemple TEAM-CAF") or team.get("code")
        c.text(team, "name", f"Équipe {code}", 2, 200)
        if code in teams:
            c.add(team.line_of("code"), f"Équipe : le code {code} est déjà utilisé.")
        teams.add(code)
    operators, applications = set(), set()
    for op, line in c.items(data.get("operators"), data.line_of("operators"), "Opérateurs"):
        if not c.mapping(op, line, "Opérateur", {"code", "name", "applications"},
                         ["code", "name", "applications"]):
            continue
        code = c.code(op, "code", TEAM_CODE, "Opérateur", "majuscules, chiffres et tirets, par exemple CNAF") or op.get("code")
        if code in operators:
            c.add(op.line_of("code"), f"Opérateur : le code {code} est déjà utilisé.")
        operators.add(code)
        c.text(op, "name", f"Opérateur {code}", 2, 200)
        for app, app_line in c.items(op.get("applications"), op.line_of("applications"), f"Applications de {code}"):
            _check_application(c, app, app_line, teams, applications, default)
    for source, line in c.items(data.get("sources"), data.line_of("sources"), "Sources", required=False):
        if c.mapping(source, line, "Source", {"title", "url"}, ["title"]):
            c.text(source, "title", "Source", 3, 300)
            if source.get("url") is not None and not URL.match(str(source["url"])):
                c.add(source.line_of("url"), "Source : l'adresse doit commencer par https://.")
    return c.problems


def _check_application(c, app, line, teams, seen, default):
    allowed = {"code", "name", "url", "team", "procedures", "acknowledge_days", "answer_days"}
    if not c.mapping(app, line, "Application", allowed, ["code", "name", "team", "procedures"]):
        return
    code = c.code(app, "code", SLUG, "Application", "minuscules, chiffres et tirets, par exemple caf-fr") or app.get("code")
    if code in seen:
        c.add(app.line_of("code"), f"Application : le code {code} est déjà utilisé.")
    seen.add(code)
    what = f"Application {code}"
    c.text(app, "name", what, 2, 200)
    if app.get("url") is not None and not URL.match(str(app["url"])):
        c.add(app.line_of("url"), f"{what} : l'adresse doit commencer par https://.")
    if app.get("team") is not None and app["team"] not in teams:
        c.add(app.line_of("team"), f"{what} : l'équipe {app['team']} n'est pas déclarée dans « teams ».")
    _check_deadlines(c, app, what, default)
    procedures = set()
    for proc, proc_line in c.items(app.get("procedures"), app.line_of("procedures"), f"Démarches de {code}"):
        if not c.mapping(proc, proc_line, "Démarche", {"code", "title", "steps"}, ["code", "title"]):
            continue
        pcode = c.code(proc, "code", SLUG, f"Démarche de {code}", "minuscules, chiffres et tirets") or proc.get("code")
        if pcode in procedures:
            c.add(proc.line_of("code"), f"Démarche : le code {pcode} est déjà utilisé dans {code}.")
        procedures.add(pcode)
        c.text(proc, "title", f"Démarche {code}/{pcode}", 5, 200)
        steps = set()
        for step, step_line in c.items(proc.get("steps"), proc.line_of("steps"), "Étapes", required=False):
            if not c.mapping(step, step_line, "Étape", {"code", "title"}, ["code", "title"]):
                continue
            scode = c.code(step, "code", SLUG, f"Étape de {code}/{pcode}", "minuscules, chiffres et tirets") or step.get("code")
            if scode in steps:
                c.add(step.line_of("code"), f"Étape : le code {scode} est déjà utilisé dans {code}/{pcode}.")
            steps.add(scode)
            c.text(step, "title", f"Étape {code}/{pcode}/{scode}", 3, 200)


def load(path):
    """Parse and validate a catalogue file; raises CatalogInvalid listing every problem."""
    path = Path(path)
    shown = str(path)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError:
        raise CatalogInvalid([Problem(shown, 1, "fichier introuvable ou illisible.")]) from None
    except UnicodeDecodeError:
        raise CatalogInvalid([Problem(shown, 1, "le fichier doit être encodé en UTF-8.")]) from None
    loader = _Loader(source)
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise CatalogInvalid([Problem(shown, line, f"YAML invalide : {getattr(exc, 'problem', exc)}.")]) from None
    finally:
        loader.dispose()
    problems = [Problem(shown, line, f"clé « {key} » en double.") for line, key in loader.duplicate_keys]
    problems += validate(data, shown)
    if problems:
        raise CatalogInvalid(sorted(problems, key=lambda p: p.line))
    return data


# --- import -----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: dict = field(default_factory=lambda: dict.fromkeys(("teams", "operators", "applications", "procedures", "steps"), 0))
    updated: int = 0
    deactivated: int = 0
    totals: dict = field(default_factory=dict)

    @property
    def has_changes(self):
        return bool(sum(self.created.values()) or self.updated or self.deactivated)


def _assign(report, obj, **values):
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    if changed and obj.id is not None:
        report.updated += 1


def _upsert(report, kind, existing, key, factory, **values):
    obj = existing.get(key)
    if obj is None:
        obj = factory(**values)
        db.session.add(obj)
        report.created[kind] += 1
    else:
        _assign(report, obj, **values)
    return obj


def _deactivate(report, rows, kept):
    for obj in rows:
        if obj not in kept and obj.is_active:
            obj.is_active = False
            report.deactivated += 1


def import_catalog(path=None):
    """Validate then load a catalogue file in one transaction; returns an ImportReport."""
    data = load(path or DEFAULT_FILE)
    report = ImportReport()
    teams = {t.code: t for t in db.session.scalars(db.select(Team))}
    for item in data["teams"]:
        if item["code"] not in teams:
            team = Team(code=item["code"], name=item["name"].strip())
            db.session.add(team)
            teams[team.code] = team
            report.created["teams"] += 1
    db.session.flush()
    default = data.get("deadlines") or {}
    operators = {o.code: o for o in db.session.scalars(db.select(Operator))}
    applications = {a.code: a for a in db.session.scalars(db.select(Application))}
    kept = set()
    for op_data in data["operators"]:
        operator = _upsert(report, "operators", operators, op_data["code"], Operator,
                           code=op_data["code"], name=op_data["name"].strip(), is_active=True)
        kept.add(operator)
        for app_data in op_data["applications"]:
            db.session.flush()
            app = _upsert(
                report, "applications", applications, app_data["code"], Application,
                code=app_data["code"], name=app_data["name"].strip(), url=app_data.get("url"),
                operator_id=operator.id, team_id=teams[app_data["team"]].id, is_active=True,
                acknowledge_days=app_data.get("acknowledge_days", default.get("acknowledge_days", 3)),
                answer_days=app_data.get("answer_days", default.get("answer_days", 10)),
            )
            kept.add(app)
            db.session.flush()
            _import_procedures(report, app, app_data["procedures"], kept)
    _deactivate(report, operators.values(), kept)
    _deactivate(report, applications.values(), kept)
    report.totals = {
        "operators": len(data["operators"]),
        "applications": sum(len(o["applications"]) for o in data["operators"]),
    }
    if report.has_changes:
        db.session.flush()
        audit(None, "catalog.import", None, {"created": report.created, "updated": report.updated,
                                             "deactivated": report.deactivated})
        db.session.commit()
    else:
        db.session.rollback()
    return report


def _import_procedures(report, app, items, kept):
    existing = {p.code: p for p in db.session.scalars(db.select(Procedure).where(Procedure.application_id == app.id))}
    for position, proc_data in enumerate(items):
        proc = _upsert(report, "procedures", existing, proc_data["code"], Procedure,
                       application_id=app.id, code=proc_data["code"], title=proc_data["title"].strip(),
                       position=position, is_active=True)
        kept.add(proc)
        db.session.flush()
        steps = {s.code: s for s in db.session.scalars(db.select(Step).where(Step.procedure_id == proc.id))}
        for step_position, step_data in enumerate(proc_data.get("steps") or []):
            step = _upsert(report, "steps", steps, step_data["code"], Step,
                           procedure_id=proc.id, code=step_data["code"], title=step_data["title"].strip(),
                           position=step_position, is_active=True)
            kept.add(step)
        _deactivate(report, steps.values(), kept)
    _deactivate(report, existing.values(), kept)
