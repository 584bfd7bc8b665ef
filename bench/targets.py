"""Who and what `make bench` measures, picked from the database (shared by run.py and inprocess.py).

The pages are measured with the largest organisation's HR user and one of its agents (the one with the
most passport entries), a triager of the team with the most reports, and the application with the most
reports for the similar-report search. Seeded accounts share one password (BENCH_PASSWORD, default the
demo password).
"""
import os
import subprocess  # nosec B404
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIMILAR_TEXT = "Impossible de valider le formulaire, la page reste blanche après la connexion"


@dataclass
class Targets:
    agent_email: str
    hr_email: str
    triager_email: str | None
    organisation: str
    organisation_agents: int
    application_id: int | None
    module_slug: str | None
    lesson_slug: str | None
    password: str
    counts: dict = field(default_factory=dict)
    # Quality indicators: the largest organisation's code, an « animateur réseau » and his
    # département, an administrator (national page); None when the database has none.
    organisation_code: str | None = None
    network_email: str | None = None
    network_department: str | None = None
    admin_email: str | None = None
    # Back office (« Appui expert »): an expert of the national group with the most open requests (else of
    # any group), the request at the top of that board that names a procedure, the agent with the most
    # requests and their latest answered one; None when the database has none.
    expert_email: str | None = None
    expert_request: str | None = None
    support_agent_email: str | None = None
    agent_request: str | None = None


def scale_databases():
    """Names and sizes of the scale_* PostgreSQL databases, largest first."""
    sql = ("SELECT datname, pg_database_size(datname) FROM pg_database "
           "WHERE datname LIKE 'scale%' ORDER BY 2 DESC")
    try:
        out = subprocess.run(  # noqa: S603  # nosec B603 B607
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-At", "-F", "|", "-c", sql],  # noqa: S607
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [(name, int(size)) for name, size in (line.split("|") for line in out.splitlines() if "|" in line)]


def database_url():
    """DATABASE_URL from the environment, else the largest scale_* database."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    found = scale_databases()
    if not found:
        sys.exit("bench: no DATABASE_URL and no scale_* database; run `flask seed scale` first")
    return f"postgresql://postgres@127.0.0.1:5432/{found[0][0]}"


def pick(app):
    """Pick the measured users and objects from the app's database."""
    from sqlalchemy import func

    from app.accounts.models import Organisation, Role, User
    from app.extensions import db
    from app.passports.models import PassportEntry
    from app.reports.catalog_models import Application
    from app.reports.models import Report
    from app.seed import DEMO_PASSWORD
    from app.training.models import Enrolment, Lesson, Module, PathModule
    from app.training.progress import module_state

    with app.app_context():
        org_id, size = db.session.execute(
            db.select(User.organisation_id, func.count())
            .where(User.role == Role.AGENT, User.organisation_id.is_not(None))
            .group_by(User.organisation_id).order_by(func.count().desc()).limit(1)
        ).one()
        org = db.session.get(Organisation, org_id)
        hr = db.session.scalar(
            db.select(User).where(User.organisation_id == org_id, User.role == Role.HR).order_by(User.id).limit(1)
        )
        entries = (
            db.select(PassportEntry.holder_id, func.count().label("n"))
            .join(User, User.id == PassportEntry.holder_id)
            .where(User.organisation_id == org_id, User.role == Role.AGENT)
            .group_by(PassportEntry.holder_id).order_by(func.count().desc()).limit(20)
        )
        candidates = [row.holder_id for row in db.session.execute(entries)] or list(db.session.scalars(
            db.select(User.id).where(User.organisation_id == org_id, User.role == Role.AGENT).limit(20)
        ))
        agent = module = lesson = None
        for user_id in candidates:  # the first agent with an unlocked module that has lessons and a quiz
            user = db.session.get(User, user_id)
            modules = db.session.scalars(
                db.select(Module).join(PathModule, PathModule.module_id == Module.id)
                .join(Enrolment, Enrolment.path_id == PathModule.path_id)
                .where(Enrolment.user_id == user_id).order_by(PathModule.position)
            ).all()
            for candidate in modules:
                version = candidate.current_version
                if version is None or module_state(user, candidate).locked:
                    continue
                first = db.session.scalar(
                    db.select(Lesson).where(Lesson.version_id == version.id).order_by(Lesson.position).limit(1)
                )
                if first is not None:
                    agent, module, lesson = user, candidate, first
                    break
            if agent is not None:
                break
        agent = agent or db.session.get(User, candidates[0])
        triager_row = db.session.execute(
            db.select(User.email).join(Application, Application.team_id == User.team_id)
            .join(Report, Report.application_id == Application.id)
            .where(User.role == Role.TRIAGER).group_by(User.email).order_by(func.count().desc()).limit(1)
        ).first()
        application_id = db.session.scalar(
            db.select(Report.application_id).group_by(Report.application_id)
            .order_by(func.count().desc()).limit(1)
        )
        from app.reception.models import NetworkDepartment

        network = db.session.execute(
            db.select(User.email, NetworkDepartment.department).join(NetworkDepartment, NetworkDepartment.user_id == User.id)
            .where(User.role == Role.MANAGER_NETWORK).order_by(User.id).limit(1)
        ).first()
        admin_email = db.session.scalar(
            db.select(User.email).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id).limit(1))
        support = _support_targets()
        counts = {
            "users": db.session.scalar(db.select(func.count()).select_from(User)),
            "reports": db.session.scalar(db.select(func.count()).select_from(Report)),
            "passport_entries": db.session.scalar(db.select(func.count()).select_from(PassportEntry)),
        }
        return Targets(
            agent_email=agent.email, hr_email=hr.email if hr else None,
            triager_email=triager_row.email if triager_row else None,
            organisation=org.name, organisation_agents=size, application_id=application_id,
            module_slug=module.slug if module else None, lesson_slug=lesson.slug if lesson else None,
            password=os.environ.get("BENCH_PASSWORD", DEMO_PASSWORD), counts=counts,
            organisation_code=org.code, network_email=network.email if network else None,
            network_department=network.department if network else None, admin_email=admin_email,
            **support,
        )


def _support_targets():
    """The back-office accounts and requests `pick` measures (inside an app context)."""
    from sqlalchemy import func

    from app.accounts.models import Role, User
    from app.backoffice import lists
    from app.backoffice.models import GroupMember, SupportGroup, SupportRequest
    from app.extensions import db

    SR = SupportRequest
    open_counts = (db.select(SR.group_id, func.count().label("n")).where(SR.status != "closed")
                   .group_by(SR.group_id).subquery())
    expert = db.session.scalar(
        db.select(User).join(GroupMember, GroupMember.user_id == User.id)
        .join(SupportGroup, SupportGroup.id == GroupMember.group_id)
        .outerjoin(open_counts, open_counts.c.group_id == GroupMember.group_id)
        .where(User.role == Role.EXPERT, User.active.is_(True), GroupMember.ended_at.is_(None))
        .order_by(SupportGroup.is_national.desc(), func.coalesce(open_counts.c.n, 0).desc(), User.id).limit(1))
    found = {}
    if expert is not None:
        found["expert_email"] = expert.email
        listed = [row.reference for row in lists.read_board(expert).page.items]
        found["expert_request"] = db.session.scalar(
            db.select(SR.reference).where(SR.reference.in_(listed), SR.procedure_id.is_not(None))
            .order_by(SR.id).limit(1)) if listed else None
    agent = db.session.execute(
        db.select(User.id, User.email).join(SR, SR.author_id == User.id).where(User.role == Role.AGENT)
        .group_by(User.id, User.email).order_by(func.count().desc(), User.id).limit(1)).first()
    if agent is not None:
        found["support_agent_email"] = agent.email
        found["agent_request"] = db.session.scalar(
            db.select(SR.reference).where(SR.author_id == agent.id, SR.first_answer_at.is_not(None))
            .order_by(SR.id.desc()).limit(1))
    return found


def quiz_attempts_mark(app, email):
    """The last quiz attempt id of this user before the benchmark posts its own."""
    from app.accounts.models import find_user_by_email
    from app.extensions import db
    from app.training.models import QuizAttempt

    with app.app_context():
        user = find_user_by_email(email)
        last = db.session.scalar(db.select(db.func.max(QuizAttempt.id)).where(QuizAttempt.user_id == user.id))
        return user.id, last or 0


def forget_bench_attempts(app, mark):
    """Delete the attempts the benchmark's quiz submissions wrote, so that every run measures the same
    data (thousands of failed attempts a run would otherwise pile up on one agent). On PostgreSQL the table
    is then vacuumed: autovacuum waits for a fifth of it to be dead, so the dead rows of run after run would
    otherwise stay in its indexes, which the agent's pages walk. Returns how many attempts were deleted."""
    from app.extensions import db
    from app.training.models import QuizAttempt

    user_id, last = mark
    with app.app_context():
        done = db.session.execute(
            db.delete(QuizAttempt).where(QuizAttempt.user_id == user_id, QuizAttempt.id > last)
        )
        db.session.commit()
        if done.rowcount and db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql(f"VACUUM (ANALYZE) {QuizAttempt.__tablename__}")
        return done.rowcount
