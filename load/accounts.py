"""Create the load test's agent accounts (with API tokens) and describe the journeys' targets as JSON.

Run inside the application: `python load/accounts.py OUT.json N`. Accounts are made with the accounts
service (as `flask users create` does); the password is only used by the HTML login of the lesson reads.
"""
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.accounts.models import Organisation, Role, User  # noqa: E402
from app.extensions import db  # noqa: E402

PASSWORD = "charge-passerelle-2026"  # noqa: S105  # nosec B105 - throwaway accounts of a throwaway database


def _module():
    """A module without prerequisites, with lessons and a quiz: (slug, [lesson slugs], answers)."""
    from app.training import learning
    from app.training.models import Module

    for module in db.session.scalars(db.select(Module).order_by(Module.id)):
        if module.prerequisites or module.current_version is None:
            continue
        lessons = [lesson.slug for lesson in module.current_version.lessons]
        questions = learning.quiz_of(module.current_version)
        if lessons and questions:
            answers = {q.qid: [q.choices[0].cid] for q in questions}
            return module.slug, lessons, answers
    raise SystemExit("no module without prerequisites: import the curricula first")


def main(out, count):
    from app.referential.models import Competency
    from app.reports.catalog_models import Application

    app = create_app(os.environ.get("APP_ENV", "development"))
    with app.app_context():
        admin = db.session.scalar(db.select(User).where(User.role == Role.ADMIN))
        organisation = db.session.scalar(db.select(Organisation).order_by(Organisation.id))
        users = []
        for number in range(count):
            email = f"charge-{number:03d}@passerelle.example"
            user = db.session.scalar(db.select(User).where(User.email == email))
            if user is None:
                user = accounts.create_user(admin, email, f"Agent de charge {number}", Role.AGENT.value,
                                            organisation=organisation, password=PASSWORD)
            _token, raw = accounts.create_api_token(user, user, "test de charge")
            users.append({"email": email, "password": PASSWORD, "token": raw})
        slug, lessons, answers = _module()
        competencies = db.session.scalars(db.select(Competency.code).limit(30)).all()
        applications = db.session.scalars(
            db.select(Application.code).where(Application.is_active.is_(True)).limit(10)).all()
        Path(out).write_text(json.dumps({
            "users": users, "module": slug, "lessons": lessons, "answers": answers,
            "competencies": competencies, "applications": applications,
        }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
