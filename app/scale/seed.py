"""`flask seed scale`: organisations, agents, training, passports and reports at national size."""
import random
from dataclasses import dataclass, field
from datetime import timedelta

from app.accounts.models import Organisation, OrgKind, Role, Team
from app.accounts.passwords import hash_password
from app.common.models import utcnow
from app.extensions import db
from app.passports.models import EntrySource, EntryStatus
from app.referential.models import Competency
from app.reports.models import Application
from app.scale.backoffice import TABLES as BACKOFFICE_TABLES
from app.scale.backoffice import seed_backoffice
from app.scale.bulk import IdSequence, analyse, insert_rows, reset_sequences, skip_foreign_key_checks
from app.scale.reception import seed_reception
from app.scale.reports import seed_reports
from app.scale.workplace import TABLES as WORKPLACE_TABLES
from app.scale.workplace import seed_workplace
from app.seed import DEMO_PASSWORD
from app.training.models import Choice, Lesson, ModuleVersion, PathModule, Question, TrainingPath

DOMAIN = "scale.passerelle.example"
CODE_PREFIX = "SC-"
DEFAULTS = {
    "organisations": 3000, "agents": 30000, "passport_entries": 150000, "reports": 100000,
    # One quarter of the network's desk log (~9 million accompaniments a year) and citizens' answers.
    "visits": 2_000_000, "voice_answers": 150_000,
    # A year of incidents (CNAF 2017: 10,383) at the whole network's size, and four quarters of barometers.
    "incidents": 30000, "barometer_answers": 72000,
    # 18 months of back-office support requests across the network (about 2,800 a month).
    "support_requests": 50000,
}
TABLES = (
    "organisations", "users", "memberships", "enrolments", "lesson_progress", "quiz_attempts",
    "module_completions", "passport_entries", "reports", "report_org_months", "report_me_toos", "report_followers",
    "report_events", "reception_visits", "reception_answers", "reception_quality_months",
    "reception_network_departments", *WORKPLACE_TABLES, *BACKOFFICE_TABLES,
)


class ScaleRefused(ValueError):
    """The scale seed cannot run here."""


@dataclass
class ScaleSummary:
    counts: dict = field(default_factory=dict)
    largest_hr_email: str = ""
    agent_email: str = ""
    triager_email: str = ""
    expert_email: str = ""
    support_agent_email: str = ""
    password: str = DEMO_PASSWORD


def scaled(fraction, **overrides):
    """The default sizes times fraction (at least one of each), explicit values winning."""
    sizes = {k: max(1, round(v * fraction)) for k, v in DEFAULTS.items()}
    sizes.update({k: v for k, v in overrides.items() if v is not None})
    return sizes


# --- organisations and accounts ----------------------------------------------------------------


def _org_plan(count, rng):
    """(kind, weight) per organisation: a few CAF/CPAM giants, many small France services sites."""
    giants = max(1, round(count * 0.006))
    medium = round(count * 0.16)
    plan = []
    for index in range(count):
        if index < giants:
            kind = OrgKind.CAF.value if index % 2 == 0 else OrgKind.CPAM.value
            weight = 2200 / (1 + index * 0.35)  # the first one is the largest
        elif index < giants + medium:
            kind = rng.choice([OrgKind.MAIRIE, OrgKind.CCAS, OrgKind.MSA, OrgKind.CARSAT,
                               OrgKind.LA_POSTE, OrgKind.PREFECTURE]).value
            weight = rng.randint(5, 40)
        else:
            kind, weight = OrgKind.FRANCE_SERVICES.value, rng.randint(2, 4)
        plan.append((kind, weight))
    return plan


def _allocate(total, weights):
    """Split total into integer shares proportional to weights, each at least one."""
    whole = sum(weights)
    shares = [max(1, int(total * w / whole)) for w in weights]
    index = 0
    while sum(shares) < total:
        shares[index % len(shares)] += 1
        index += 1
    index = len(shares) - 1
    while sum(shares) > total and index >= 0:
        if shares[index] > 1:
            shares[index] -= 1
        else:
            index -= 1
    return shares


def _seed_people(sizes, rng, now, bar_for):
    org_ids, user_ids = IdSequence("organisations"), IdSequence("users")
    memberships = IdSequence("memberships")
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for every seeded account
    plan = _org_plan(sizes["organisations"], rng)
    shares = _allocate(sizes["agents"], [w for _k, w in plan])
    orgs, users, agents, hr_of, departments = [], [], [], {}, {}
    first_org = org_ids.next
    for index, ((kind, _w), share) in enumerate(zip(plan, shares, strict=True)):
        org_id = org_ids.take()
        code = f"{CODE_PREFIX}{kind[:3].upper()}-{org_id:05d}"
        department = f"{rng.randint(1, 95):02d}"
        departments[org_id] = department
        orgs.append((org_id, code, f"{OrgKind(kind).label} {department} n° {index + 1}", kind,
                     kind != "private", department, now))
        hr_id = user_ids.take()
        hr_of[org_id] = hr_id
        users.append((hr_id, f"rh.{org_id}@{DOMAIN}", f"RH {code}", Role.HR.value, True,
                      password_hash, 1, org_id, None, now))
        for _n in range(share):
            agent_id = user_ids.take()
            users.append((agent_id, f"agent.{agent_id}@{DOMAIN}", f"Agent {agent_id}",
                          Role.AGENT.value, True, password_hash, 1, org_id, None, now))
            agents.append((agent_id, org_id))
    teams = db.session.scalars(db.select(Team).order_by(Team.code)).all()
    triagers = {}
    for team in teams:
        for k in range(2):
            triager_id = user_ids.take()
            triagers.setdefault(team.id, triager_id)
            users.append((triager_id, f"triage.{team.code.lower()}.{k + 1}.{triager_id}@{DOMAIN}",
                          f"Équipe {team.code} {k + 1}", Role.TRIAGER.value, True, password_hash, 1,
                          None, team.id, now))
    with bar_for("Structures", len(orgs)) as bar:
        insert_rows("organisations", ("id", "code", "name", "kind", "is_public", "department",
                                      "created_at"), orgs, bar)
    with bar_for("Comptes", len(users)) as bar:
        insert_rows("users", ("id", "email", "full_name", "role", "active", "password_hash",
                              "session_version", "organisation_id", "team_id", "created_at"), users, bar)
    started = now - timedelta(days=400)
    rows = ((memberships.take(), u[0], u[7], started) for u in users if u[7] is not None)
    with bar_for("Rattachements", len(users) - 2 * len(teams)) as bar:
        insert_rows("memberships", ("id", "user_id", "organisation_id", "started_at"), rows, bar)
    return {"first_org": first_org, "agents": agents, "hr_of": hr_of, "triagers": triagers,
            "orgs": len(orgs), "users": len(users), "largest_hr": hr_of[first_org], "departments": departments}


# --- training --------------------------------------------------------------------------------


def _training_reference():
    """Shipped paths as lists of current module versions, with lessons and quiz answers."""
    from app.training.models import Module

    current = dict(db.session.execute(db.select(Module.id, Module.current_version_id)).all())
    versions = {}
    for version in db.session.scalars(db.select(ModuleVersion).where(ModuleVersion.id.in_(current.values()))):
        versions[version.id] = {"module_id": version.module_id, "pass_mark": version.pass_mark,
                                "lessons": [], "right": {}, "wrong": {}}
    for lesson_id, version_id in db.session.execute(
        db.select(Lesson.id, Lesson.version_id).where(Lesson.version_id.in_(versions)).order_by(Lesson.position)
    ):
        versions[version_id]["lessons"].append(lesson_id)
    for version_id, qid, cid, correct in db.session.execute(
        db.select(Question.version_id, Question.qid, Choice.cid, Choice.is_correct)
        .join(Choice, Choice.question_id == Question.id).where(Question.version_id.in_(versions))
        .order_by(Question.position, Choice.position)
    ):
        side = "right" if correct else "wrong"
        versions[version_id][side].setdefault(qid, []).append(cid)
    paths = {}
    for path_id, module_id in db.session.execute(
        db.select(PathModule.path_id, PathModule.module_id).join(TrainingPath)
        .where(TrainingPath.owner_id.is_(None)).order_by(PathModule.path_id, PathModule.position)
    ):
        if current.get(module_id) in versions:
            paths.setdefault(path_id, []).append(current[module_id])
    return paths, versions


def _wrong_answers(version, rng):
    answers = {}
    for qid, right in version["right"].items():
        wrong = version["wrong"].get(qid)
        answers[qid] = [rng.choice(wrong)] if wrong else right
    return answers


def _score(version, answers):
    questions = version["right"]
    if not questions:
        return 100
    right = sum(1 for qid, cids in questions.items() if sorted(answers.get(qid, [])) == sorted(cids))
    return round(100 * right / len(questions))


def _seed_training(people, rng, now, bar_for):
    paths, versions = _training_reference()
    if not paths:
        return {}
    path_ids = sorted(paths)
    enrolments, progress, attempts, completions = [], [], [], []
    ids = {t: IdSequence(t) for t in ("enrolments", "lesson_progress", "quiz_attempts", "module_completions")}
    for agent_id, org_id in people["agents"]:
        read, done = set(), set()
        for path_id in rng.sample(path_ids, min(len(path_ids), rng.randint(1, 3))):
            started = now - timedelta(days=rng.randint(5, 365))
            enrolments.append((ids["enrolments"].take(), agent_id, path_id, None, None, started))
            # Realistic progress: some have just started, many are half-way, some have finished.
            steps = paths[path_id]
            finished = min(len(steps), int(len(steps) * rng.choice((0, 0.25, 0.25, 0.5, 0.5, 0.75, 1))))
            for position, version_id in enumerate(steps[:finished + 1]):
                version = versions[version_id]
                lessons = version["lessons"] if position < finished else version["lessons"][: rng.randint(0, len(version["lessons"]))]
                at = started + timedelta(days=position * 3)
                for lesson_id in lessons:
                    if lesson_id not in read:
                        read.add(lesson_id)
                        progress.append((ids["lesson_progress"].take(), agent_id, lesson_id, at))
                if position >= finished or version_id in done:
                    continue
                done.add(version_id)
                if rng.random() < 0.3:
                    answers = _wrong_answers(version, rng)
                    attempts.append((ids["quiz_attempts"].take(), agent_id, version_id, answers,
                                     _score(version, answers), False, None, at))
                answers = dict(version["right"])
                score = _score(version, answers)
                attempts.append((ids["quiz_attempts"].take(), agent_id, version_id, answers, score,
                                 True, None, at + timedelta(hours=1)))
                completions.append((ids["module_completions"].take(), agent_id, version["module_id"],
                                    version_id, org_id, score, at + timedelta(hours=1)))
    with bar_for("Inscriptions", len(enrolments)) as bar:
        insert_rows("enrolments", ("id", "user_id", "path_id", "assigned_by_id", "due_on", "created_at"),
                    enrolments, bar)
    with bar_for("Leçons lues", len(progress)) as bar:
        insert_rows("lesson_progress", ("id", "user_id", "lesson_id", "completed_at"), progress, bar)
    with bar_for("Quiz", len(attempts)) as bar:
        insert_rows("quiz_attempts", ("id", "user_id", "version_id", "answers", "score", "passed",
                                      "submission_key", "created_at"), attempts, bar)
    with bar_for("Modules terminés", len(completions)) as bar:
        insert_rows("module_completions", ("id", "user_id", "module_id", "version_id", "organisation_id",
                                           "score", "completed_at"), completions, bar)
    return {"enrolments": len(enrolments), "lesson_progress": len(progress),
            "quiz_attempts": len(attempts), "module_completions": len(completions),
            "agent_with_progress": completions[0][1] if completions else None,
            "completions": completions}


# --- passports -------------------------------------------------------------------------------

STATUS_WEIGHTS = [
    (EntryStatus.VALIDATED.value, 50), (EntryStatus.SUBMITTED.value, 18), (EntryStatus.DRAFT.value, 15),
    (EntryStatus.CHANGES_REQUESTED.value, 6), (EntryStatus.REJECTED.value, 6), (EntryStatus.REVOKED.value, 5),
]


def _seed_passports(sizes, people, rng, now, bar_for):
    competencies = db.session.scalars(db.select(Competency.id).order_by(Competency.id)).all()
    if not competencies:
        return {}
    statuses = [s for s, _w in STATUS_WEIGHTS]
    weights = [w for _s, w in STATUS_WEIGHTS]
    agents = people["agents"]
    ids = IdSequence("passport_entries")
    total = sizes["passport_entries"]

    def rows():
        for n in range(total):
            holder_id, org_id = agents[n % len(agents)]
            status = rng.choices(statuses, weights)[0]
            created = now - timedelta(days=rng.randint(1, 700))
            submitted = created + timedelta(days=1) if status != EntryStatus.DRAFT.value else None
            decided = status in (EntryStatus.VALIDATED.value, EntryStatus.REVOKED.value)
            hr_id = people["hr_of"][org_id]
            yield (
                ids.take(), holder_id, competencies[rng.randrange(len(competencies))], rng.randint(1, 4),
                rng.choice((EntrySource.EXPERIENCE.value, EntrySource.EXPERIENCE.value,
                            EntrySource.OBSERVATION.value)),
                status, "Accueil et accompagnement des usagers au quotidien, situations variées.",
                org_id if submitted else None,
                hr_id if decided else None, org_id if decided else None,
                created + timedelta(days=3) if decided else None,
                (created + timedelta(days=3 * 365)).date() if decided else None,
                "Erreur de saisie." if status == EntryStatus.REVOKED.value else None,
                submitted, created, created, 1,
            )

    with bar_for("Passeports", total) as bar:
        count = insert_rows("passport_entries", (
            "id", "holder_id", "competency_id", "level", "source", "status", "description",
            "submitted_to_org_id", "validated_by_id", "validated_by_org_id", "validated_at", "valid_until",
            "revoked_reason", "submitted_at", "created_at", "updated_at", "version"), rows(), bar)
    return {"passport_entries": count}


# --- entry point -----------------------------------------------------------------------------


def _quiet_bar(_label, _length):
    from contextlib import nullcontext

    return nullcontext(None)


def _ensure_reference(config):
    from app.reports.catalog import import_catalog
    from app.training.curricula.importer import import_curricula

    if db.session.scalar(db.select(db.func.count()).select_from(TrainingPath)) == 0:
        import_curricula(config["CURRICULA_DIR"])
    if db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0:
        import_catalog()
        db.session.commit()


def seed_scale(config, sizes, bar_for=_quiet_bar, random_seed=8):
    """Bulk-load data at scale in one transaction; returns a ScaleSummary. Refused in production."""
    if config["APP_ENV"] == "production":
        raise ScaleRefused("les données de volume sont interdites en production (APP_ENV=production).")
    _ensure_reference(config)
    if db.session.scalar(db.select(Organisation.id).where(Organisation.code.like(f"{CODE_PREFIX}%")).limit(1)):
        raise ScaleRefused("des données de volume sont déjà chargées dans cette base.")
    rng = random.Random(random_seed)  # noqa: S311  # nosec B311
    now = utcnow().replace(microsecond=0)
    try:
        skip_foreign_key_checks()
        people = _seed_people(sizes, rng, now, bar_for)
        training = _seed_training(people, rng, now, bar_for)
        passports = _seed_passports(sizes, people, rng, now, bar_for)
        reports = seed_reports(sizes, people, rng, now, bar_for)
        reception = seed_reception(sizes, people, rng, now, bar_for)
        workplace = seed_workplace(sizes, people, rng, now, bar_for)
        support = seed_backoffice(sizes, people, rng, now, bar_for, config)
        reset_sequences(TABLES)
        db.session.commit()
        analyse()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    summary = ScaleSummary()
    summary.counts = {"organisations": people["orgs"], "users": people["users"],
                      "agents": len(people["agents"]),
                      **{k: v for k, v in training.items() if k not in ("agent_with_progress", "completions")}, **passports, **reports, **reception, **workplace,
                      **{k: v for k, v in support.items() if k not in ("support_expert", "support_agent")}}
    summary.largest_hr_email = f"rh.{people['first_org']}@{DOMAIN}"
    agent = training.get("agent_with_progress") or people["agents"][0][0]
    summary.agent_email = f"agent.{agent}@{DOMAIN}"
    # The team owning the most reported service (services are weighted by id, first is busiest).
    busiest_team = db.session.scalar(
        db.select(Application.team_id).where(Application.is_active.is_(True), Application.team_id.is_not(None))
        .order_by(Application.id).limit(1)
    )
    for attribute, key in (("expert_email", "support_expert"), ("support_agent_email", "support_agent")):
        if support.get(key):
            setattr(summary, attribute, db.session.scalar(db.text("SELECT email FROM users WHERE id = :id"),
                                                          {"id": support[key]}))
    triager = people["triagers"].get(busiest_team) or next(iter(people["triagers"].values()), None)
    if triager is not None:
        summary.triager_email = db.session.scalar(db.text("SELECT email FROM users WHERE id = :id"), {"id": triager})
    return summary
