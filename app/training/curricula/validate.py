"""Validate a curricula folder: each file against its schema, then across files.

Every problem is reported as `path:line: message` (French), so trainers know what to fix.
"""
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from app.common.files import Problem
from app.training.curricula import corpus, grids, schema, sheets
from app.training.curricula.frontmatter import parse_lesson
from app.training.curricula.yamllines import YamlError, load_with_lines

FIELD_NAMES = {
    "code": "code", "title": "titre", "version": "version", "published": "date de publication",
    "scale": "échelle", "activities": "activités", "competencies": "compétences",
    "kind": "type", "description": "description", "levels": "niveaux", "level": "niveau",
    "profiles": "profils", "rome": "codes ROME", "requires": "exigences", "competency": "compétence",
    "certifications": "certifications", "rncp": "code RNCP", "blocks": "blocs",
    "paths": "parcours", "modules": "modules", "slug": "slug", "partner": "partenaire",
    "summary": "résumé", "duration_minutes": "durée (minutes)", "validity_months": "validité (mois)",
    "prerequisites": "prérequis", "lessons": "leçons", "file": "fichier", "quiz": "quiz",
    "questions": "questions", "id": "identifiant",
    "type": "type", "text": "texte", "explanation": "explication", "choices": "choix",
    "correct": "bonne réponse", "sources": "sources", "url": "adresse", "label": "libellé",
    "certifier": "certificateur", "note": "note", "activities_minutes": "durée des activités (minutes)",
    "trainer": "kit du formateur", "role_plays": "jeux de rôle", "situation": "situation",
    "agent_brief": "consigne de l'agent", "visitor_brief": "consigne de l'usager", "steps": "déroulé",
    "debrief": "débriefing", "notes": "notes",
    "order": "ordre", "purpose": "objet", "sections": "sections", "items": "éléments", "updated": "date de mise à jour",
    "reviewed_by": "relu par", "verification": "vérification", "module": "module", "lesson": "leçon",
    "observations": "étapes d'observation", "after": "après le module",
}
# A field label, not a password.
FIELD_NAMES["pass_mark"] = "seuil de réussite"  # noqa: S105  # nosec B105

PATTERN_HINTS = {
    r"^A[1-9]\.[0-9]{1,2}$": "code de compétence invalide (format A<activité>.<numéro>, par exemple A3.2)",
    r"^A[1-9]$": "code d'activité invalide (format A<numéro>, par exemple A3)",
    r"^[A-Z0-9][A-Z0-9-]{1,39}$": "code invalide (majuscules, chiffres et tirets, par exemple PARCOURS-INITIAL)",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "slug invalide (minuscules, chiffres et tirets, par exemple accueil-telephonique)",
    r"^[A-N][0-9]{4}$": "code ROME invalide (une lettre et 4 chiffres, par exemple M1601)",
    r"^RNCP[0-9]{3,6}$": "code RNCP invalide (format RNCP12345)",
    r"^lessons/[A-Za-z0-9._-]+\.md$": "chemin de leçon invalide (format lessons/nom.md)",
    r"^https?://\S+$": "adresse invalide (elle doit commencer par https://)",
}


@dataclass
class ModuleSource:
    folder: str
    rel_path: str
    model: schema.ModuleFile
    lines: object
    lessons: dict  # lesson slug -> Markdown text (without its front matter)
    lesson_meta: dict = field(default_factory=dict)  # lesson slug -> frontmatter.LessonMeta
    lesson_paths: dict = field(default_factory=dict)  # lesson slug -> the file as shown in messages
    package: object = None  # format: package -> its checked PackageSource (app.training.packages)


@dataclass
class Tree:
    directory: Path
    referential: schema.ReferentialFile | None = None
    profiles: schema.ProfilesFile | None = None
    certifications: schema.CertificationsFile | None = None
    paths: schema.PathsFile | None = None
    modules: list = field(default_factory=list)
    invalid_module_folders: set = field(default_factory=set)
    grids: list = field(default_factory=list)  # grids.GridSource, one per observation grid file
    sheets: list = field(default_factory=list)  # sheets.SheetSource, one per fiche réflexe
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # Problem lines that do not stop an import


def _name(loc):
    names = [p for p in loc if isinstance(p, str)]
    return FIELD_NAMES.get(names[-1], names[-1]) if names else "valeur"


def _message(error):
    kind, loc, ctx = error["type"], error["loc"], error.get("ctx", {})
    name = _name(loc)
    last = loc[-1] if loc else None
    if kind == "missing":
        return f"champ obligatoire « {FIELD_NAMES.get(last, last)} » manquant"
    if kind == "extra_forbidden":
        return f"champ inconnu « {last} »"
    if kind in ("string_type",):
        return f"« {name} » doit être un texte"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"« {name} » doit être un nombre entier"
    if kind in ("bool_type", "bool_parsing"):
        return f"« {name} » doit valoir true ou false"
    if kind in ("list_type",):
        return f"« {name} » doit être une liste"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"« {name} » doit être un ensemble de champs (clé: valeur)"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return f"« {name} » doit être une date au format AAAA-MM-JJ"
    if kind == "string_too_short":
        return f"« {name} » doit contenir au moins {ctx.get('min_length')} caractère(s)"
    if kind == "string_too_long":
        return f"« {name} » ne doit pas dépasser {ctx.get('max_length')} caractères"
    if kind == "string_pattern_mismatch":
        return PATTERN_HINTS.get(ctx.get("pattern"), f"« {name} » a un format invalide")
    if kind == "literal_error":
        return f"« {name} » doit valoir l'une des valeurs : {ctx.get('expected')}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if last == "level" or (loc and isinstance(last, int) and "levels" in loc):
            return "le niveau doit être compris entre 1 et 4"
        bound = ctx.get("ge", ctx.get("le", ctx.get("gt", ctx.get("lt"))))
        sign = "au moins" if kind.startswith("greater") else "au plus"
        return f"« {name} » doit valoir {sign} {bound}"
    if kind == "too_short":
        return f"« {name} » doit contenir au moins {ctx.get('min_length')} élément(s)"
    if kind == "too_long":
        return f"« {name} » doit contenir au plus {ctx.get('max_length')} élément(s)"
    return f"« {name} » : valeur invalide ({error.get('msg')})"


def _load(tree, rel, model_class, required=True):
    path = tree.directory / rel
    shown = str(tree.directory / rel) if str(tree.directory) != "." else rel
    if not path.exists():
        if required:
            tree.problems.append(Problem(shown, 1, "fichier obligatoire manquant"))
        return None, None, shown
    try:
        data, lines = load_with_lines(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        tree.problems.append(Problem(shown, exc.line, exc.message))
        return None, None, shown
    except UnicodeDecodeError:
        tree.problems.append(Problem(shown, 1, "le fichier doit être encodé en UTF-8"))
        return None, None, shown
    try:
        model = model_class.model_validate(data if data is not None else {})
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            # dict keys that failed validation appear as "[key]" suffixes in loc
            loc = tuple(p for p in loc if p != "[key]")
            tree.problems.append(Problem(shown, lines.line(loc), _message(error)))
        return None, lines, shown
    return model, lines, shown


def load_tree(directory):
    """Read and check a curricula folder; the returned tree lists its problems."""
    tree = Tree(Path(directory))
    if not tree.directory.is_dir():
        tree.problems.append(Problem(str(directory), 1, "dossier introuvable"))
        return tree
    tree.referential, ref_lines, ref_path = _load(tree, "referential.yaml", schema.ReferentialFile)
    tree.profiles, prof_lines, prof_path = _load(tree, "profiles.yaml", schema.ProfilesFile, False)
    tree.certifications, cert_lines, cert_path = _load(
        tree, "certifications.yaml", schema.CertificationsFile, False
    )
    tree.paths, path_lines, paths_path = _load(tree, "paths.yaml", schema.PathsFile, False)
    from app.training.packages.sources import check_package_modules, declares_package

    modules_dir = tree.directory / "modules"
    if modules_dir.is_dir():
        for folder in sorted(p for p in modules_dir.iterdir() if p.is_dir()):
            rel = f"modules/{folder.name}/module.yaml"
            module_class = schema.PackageModuleFile if declares_package(folder / "module.yaml") else schema.ModuleFile
            model, lines, shown = _load(tree, rel, module_class)
            if model is not None:
                tree.modules.append(ModuleSource(folder.name, shown, model, lines, {}))
            else:
                tree.invalid_module_folders.add(folder.name)
    competencies = _check_referential(tree, ref_lines, ref_path)
    _check_profiles(tree, prof_lines, prof_path, competencies)
    _check_certifications(tree, cert_lines, cert_path, competencies)
    slugs = _check_modules(tree, competencies)
    _check_paths(tree, path_lines, paths_path, slugs)
    report = lambda path, line, message: tree.problems.append(Problem(path, line, message))  # noqa: E731
    warn = lambda path, line, message: tree.warnings.append(Problem(path, line, "avertissement : " + message))  # noqa: E731
    tree.grids = grids.load_grids(tree, _load, report)
    grids.check_grids(tree.grids, competencies, report)
    grids.check_coverage(tree.referential, ref_lines, ref_path, tree.grids, warn)
    _check_path_observations(tree, path_lines, paths_path, competencies, report)
    _check_activities_minutes(tree, problem=report)
    tree.sheets = sheets.load_sheets(tree, _load, report)
    modules = {source.model.slug: {lesson.slug for lesson in source.model.lessons} for source in tree.modules}
    sheets.check_sheets(tree.sheets, modules, report)
    sheets.check_one_page(tree.sheets, tree.problems, report)
    corpus.check_corpus(tree, problem=report, warning=warn)
    check_package_modules(tree, Problem)
    tree.problems.sort(key=lambda p: (p.path, p.line))
    tree.warnings.sort(key=lambda p: (p.path, p.line))
    return tree


def load_sheets(directory):
    """The fiches réflexes of a curricula folder alone (the pages read them): (valid sheets, problems)."""
    tree = Tree(Path(directory))
    report = lambda path, line, message: tree.problems.append(Problem(path, line, message))  # noqa: E731
    found = sheets.load_sheets(tree, _load, report)
    sheets.check_sheets(found, None, report)
    broken = {p.path for p in tree.problems}
    return [sheet for sheet in found if sheet.rel_path not in broken], tree.problems


def _check_referential(tree, lines, path):
    ref = tree.referential
    if ref is None:
        return None  # unknown: do not report every competency as unknown
    codes = set()
    levels = [s.level for s in ref.scale]
    if sorted(levels) != [1, 2, 3, 4]:
        tree.problems.append(Problem(path, lines.line(("scale",)), "l'échelle doit décrire les niveaux 1, 2, 3 et 4"))
    seen_activities = set()
    for a_index, activity in enumerate(ref.activities):
        if activity.code in seen_activities:
            tree.problems.append(Problem(path, lines.line(("activities", a_index, "code")),
                                         f"code d'activité en double : {activity.code}"))
        seen_activities.add(activity.code)
        for c_index, comp in enumerate(activity.competencies):
            where = ("activities", a_index, "competencies", c_index)
            if comp.code in codes:
                tree.problems.append(Problem(path, lines.line(where + ("code",)),
                                             f"code de compétence en double : {comp.code}"))
            codes.add(comp.code)
            if comp.code.split(".")[0] != activity.code:
                tree.problems.append(Problem(path, lines.line(where + ("code",)),
                                             f"la compétence {comp.code} n'appartient pas à l'activité {activity.code}"))
            missing = sorted({1, 2, 3, 4} - set(comp.levels))
            if missing:
                tree.problems.append(Problem(path, lines.line(where + ("levels",)),
                                             "descripteur de niveau manquant pour le(s) niveau(x) "
                                             + ", ".join(map(str, missing))))
    return codes


def _unknown(tree, path, line, code, competencies):
    if competencies is not None and code not in competencies:
        tree.problems.append(Problem(path, line, f"compétence inconnue : {code}"))


def _check_profiles(tree, lines, path, competencies):
    if tree.profiles is None:
        return
    seen = set()
    for i, profile in enumerate(tree.profiles.profiles):
        if profile.code in seen:
            tree.problems.append(Problem(path, lines.line(("profiles", i, "code")), f"code de profil en double : {profile.code}"))
        seen.add(profile.code)
        for j, req in enumerate(profile.requires):
            _unknown(tree, path, lines.line(("profiles", i, "requires", j, "competency")), req.competency, competencies)


def _check_certifications(tree, lines, path, competencies):
    if tree.certifications is None:
        return
    seen = set()
    for i, cert in enumerate(tree.certifications.certifications):
        if cert.code in seen:
            tree.problems.append(Problem(path, lines.line(("certifications", i, "code")),
                                         f"code de certification en double : {cert.code}"))
        seen.add(cert.code)
        blocks = set()
        for j, block in enumerate(cert.blocks):
            if block.code in blocks:
                tree.problems.append(Problem(path, lines.line(("certifications", i, "blocks", j, "code")),
                                             f"code de bloc en double : {block.code}"))
            blocks.add(block.code)
            for k, code in enumerate(block.competencies):
                _unknown(tree, path, lines.line(("certifications", i, "blocks", j, "competencies", k)), code, competencies)


def _check_modules(tree, competencies):
    slugs, question_ids = {}, {}
    for source in tree.modules:
        m, lines, path = source.model, source.lines, source.rel_path
        if m.slug != source.folder:
            tree.problems.append(Problem(path, lines.line(("slug",)),
                                         f"le slug « {m.slug} » doit être le nom du dossier « {source.folder} »"))
        if m.slug in slugs:
            tree.problems.append(Problem(path, lines.line(("slug",)),
                                         f"slug de module en double : {m.slug} (déjà utilisé dans {slugs[m.slug].rel_path})"))
        slugs.setdefault(m.slug, source)
        if m.kind == "specialist" and m.partner is None:
            tree.problems.append(Problem(path, lines.line(("kind",)), "un module spécialisé doit nommer son partenaire"))
        if m.kind == "core" and m.partner is not None:
            tree.problems.append(Problem(path, lines.line(("partner",)), "un module du socle commun n'a pas de partenaire"))
        for i, comp in enumerate(m.competencies):
            _unknown(tree, path, lines.line(("competencies", i, "code")), comp.code, competencies)
        _check_trainer(tree, source)
        lesson_slugs = set()
        for i, lesson in enumerate(m.lessons):
            if lesson.slug in lesson_slugs:
                tree.problems.append(Problem(path, lines.line(("lessons", i, "slug")), f"slug de leçon en double : {lesson.slug}"))
            lesson_slugs.add(lesson.slug)
            file = tree.directory / "modules" / source.folder / lesson.file
            if not file.is_file():
                tree.problems.append(Problem(path, lines.line(("lessons", i, "file")),
                                             f"fichier de leçon introuvable : {lesson.file}"))
                continue
            text = file.read_text(encoding="utf-8")
            parsed = parse_lesson(text)
            shown = str(Path(path).parent / lesson.file)
            for line, message in parsed.problems:
                tree.problems.append(Problem(shown, line, message))
            if not parsed.body.strip():
                tree.problems.append(Problem(path, lines.line(("lessons", i, "file")), f"fichier de leçon vide : {lesson.file}"))
            source.lessons[lesson.slug] = parsed.body
            source.lesson_meta[lesson.slug] = parsed.meta
            source.lesson_paths[lesson.slug] = shown
        for i, question in enumerate(m.quiz.questions):
            where = ("quiz", "questions", i)
            if question.id in question_ids:
                other = question_ids[question.id]
                tree.problems.append(Problem(path, lines.line(where + ("id",)),
                                             f"identifiant de question en double : {question.id} (déjà utilisé dans {other})"))
            question_ids[question.id] = path
            choice_ids = set()
            for j, choice in enumerate(question.choices):
                if choice.id in choice_ids:
                    tree.problems.append(Problem(path, lines.line(where + ("choices", j, "id")),
                                                 f"identifiant de choix en double dans la question {question.id} : {choice.id}"))
                choice_ids.add(choice.id)
            correct = sum(1 for c in question.choices if c.correct)
            if correct == 0:
                tree.problems.append(Problem(path, lines.line(where + ("id",)),
                                             f"la question {question.id} n'a aucune bonne réponse"))
            elif question.type == "single" and correct > 1:
                tree.problems.append(Problem(path, lines.line(where + ("id",)),
                                             f"la question {question.id} est à choix unique mais a {correct} bonnes réponses"))
    known = set(slugs) | tree.invalid_module_folders  # an invalid module is reported once, not by others
    for source in tree.modules:
        for i, prereq in enumerate(source.model.prerequisites):
            if prereq not in known:
                tree.problems.append(Problem(source.rel_path, source.lines.line(("prerequisites", i)),
                                             f"prérequis inconnu : {prereq}"))
    _check_cycles(tree, slugs)
    return known


def _check_trainer(tree, source):
    """A module with lessons has at least one role-play in its trainer's kit (issue 14 §4), and a role-play
    observes competencies of its own module (their grids are shown with the script). Package modules have
    no trainer section."""
    m = source.model
    if not isinstance(m, schema.ModuleFile):
        return
    trainer = m.trainer
    if trainer is None or not trainer.role_plays:
        where = ("trainer", "role_plays") if trainer is not None else ("lessons",)
        tree.problems.append(Problem(
            source.rel_path, source.lines.line(where),
            "le kit du formateur d'un module à leçons doit proposer au moins un jeu de rôle "
            "(section trainer, liste role_plays)"))
        return
    own = {c.code for c in m.competencies}
    for i, play in enumerate(trainer.role_plays):
        for j, code in enumerate(play.competencies):
            if code not in own:
                tree.problems.append(Problem(
                    source.rel_path, source.lines.line(("trainer", "role_plays", i, "competencies", j)),
                    f"le jeu de rôle « {play.title} » observe {code}, qui n'est pas une compétence du module"))


def _check_activities_minutes(tree, problem):
    """A module whose kit has role-plays declares `activities_minutes` covering them: that time is part of the
    training (and of the duration HR record), not an extra the declared duration forgets."""
    for source in tree.modules:
        m = source.model
        if not isinstance(m, schema.ModuleFile) or m.trainer is None or not m.trainer.role_plays:
            continue
        needed = sum(play.duration_minutes for play in m.trainer.role_plays)
        declared = m.activities_minutes
        if declared is None:
            problem(source.rel_path, source.lines.line(("duration_minutes",)),
                    f"« activities_minutes » manquant : les jeux de rôle du kit du formateur durent {needed} min ; "
                    f"déclarez activities_minutes: {needed} au moins (et comptez-le dans la durée du module)")
        elif declared < needed:
            problem(source.rel_path, source.lines.line(("activities_minutes",)),
                    f"« activities_minutes » vaut {declared} min, moins que la durée des jeux de rôle du kit du "
                    f"formateur ({needed} min) : déclarez {needed} au moins")


def _check_cycles(tree, slugs):
    graph = {slug: [p for p in s.model.prerequisites if p in slugs] for slug, s in slugs.items()}
    state, reported = {}, set()

    def visit(node, stack):
        state[node] = "active"
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == "active":
                cycle = stack[stack.index(nxt):] + [nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    source = slugs[nxt]
                    tree.problems.append(Problem(source.rel_path, source.lines.line(("prerequisites",)),
                                                 "cycle de prérequis : " + " → ".join(cycle)))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def _check_paths(tree, lines, path, slugs):
    if tree.paths is None:
        return
    seen = set()
    for i, training_path in enumerate(tree.paths.paths):
        if training_path.code in seen:
            tree.problems.append(Problem(path, lines.line(("paths", i, "code")), f"code de parcours en double : {training_path.code}"))
        seen.add(training_path.code)
        in_path = set()
        for j, slug in enumerate(training_path.modules):
            if slug not in slugs:
                tree.problems.append(Problem(path, lines.line(("paths", i, "modules", j)),
                                             f"module inconnu dans le parcours {training_path.code} : {slug}"))
            if slug in in_path:
                tree.problems.append(Problem(path, lines.line(("paths", i, "modules", j)),
                                             f"module présent deux fois dans le parcours {training_path.code} : {slug}"))
            in_path.add(slug)
        _check_path_prerequisites(tree, lines, path, i, training_path)


def _check_path_prerequisites(tree, lines, path, index, training_path):
    """Every prerequisite of a module of the path is in the path, before it (or the path cannot be finished)."""
    by_slug = {source.model.slug: source.model for source in tree.modules}
    position = {slug: j for j, slug in reversed(list(enumerate(training_path.modules)))}
    for j, slug in enumerate(training_path.modules):
        module = by_slug.get(slug)
        for prereq in (module.prerequisites if module else []):
            where = lines.line(("paths", index, "modules", j))
            if prereq not in position:
                tree.problems.append(Problem(path, where, f"le parcours {training_path.code} ne contient pas "
                                                          f"{prereq}, prérequis du module {slug}"))
            elif position[prereq] > j:
                tree.problems.append(Problem(path, where, f"dans le parcours {training_path.code}, le prérequis "
                                                          f"{prereq} vient après le module {slug}"))



def _check_path_observations(tree, lines, path, competencies, problem):
    """Each observation step of a path follows one of its modules, observes competencies that have a grid and
    that a module of the path, up to that one, teaches; a competency is observed once per path."""
    if tree.paths is None:
        return
    taught_by = {source.model.slug: {c.code for c in source.model.competencies} for source in tree.modules}
    # A grid file counts even when it failed its own checks (reported at its lines, not again here).
    folder = tree.directory / "grids"
    with_grid = {file.stem for file in folder.glob("*.yaml")} if folder.is_dir() else set()
    for i, training_path in enumerate(tree.paths.paths):
        position = {slug: j for j, slug in enumerate(training_path.modules)}
        seen = set()
        for k, step in enumerate(training_path.observations):
            where = ("paths", i, "observations", k)
            if step.after not in position:
                problem(path, lines.line(where + ("after",)),
                        f"l'étape d'observation suit « {step.after} », qui n'est pas un module du parcours "
                        f"{training_path.code}")
                continue
            before = training_path.modules[:position[step.after] + 1]
            # A module that failed its own checks is reported there; what it teaches is unknown, not missing.
            unknown_teaching = any(slug in tree.invalid_module_folders for slug in before)
            taught = set().union(*(taught_by.get(slug, set()) for slug in before))
            for n, code in enumerate(step.competencies):
                line = lines.line(where + ("competencies", n))
                if competencies is not None and code not in competencies:
                    problem(path, line, f"compétence inconnue : {code}")
                    continue
                if code in seen:
                    problem(path, line, f"la compétence {code} est observée deux fois dans le parcours "
                                        f"{training_path.code}")
                seen.add(code)
                if code not in with_grid:
                    problem(path, line, f"pas de grille d'observation pour {code} (fichier grids/{code}.yaml)")
                if code not in taught and not unknown_teaching:
                    problem(path, line, f"{code} n'est enseignée par aucun module du parcours {training_path.code} "
                                        f"jusqu'à « {step.after} » inclus : placez l'étape après le module qui "
                                        f"l'enseigne")
