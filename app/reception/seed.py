"""Demo desk log and answers: three months for FS-DEMO and CAF-DEMO, about sixty answers, and the
animateur réseau of département 69. Idempotent: nothing is added when the demo log exists."""
import random
from datetime import UTC, datetime, time, timedelta

from app.accounts.models import Organisation, find_user_by_email
from app.common.timezones import utcnow
from app.extensions import db
from app.reception import services, summary
from app.reception.models import Answer, NetworkDepartment, Visit
from app.reports.catalog_models import Application

DEMO_NETWORK = ("reseau.69@passerelle.example", "69")
# (organisation, agent, accompaniments per working day, operators most met)
DEMO_DESKS = [
    ("FS-DEMO", "agent.fs@passerelle.example", 9, ["france_titres", "caf", "cpam", "dgfip", "assurance_retraite",
                                                   "france_travail", "urssaf", "mdph"]),
    ("CAF-DEMO", "agent.caf@passerelle.example", 6, ["caf", "caf", "caf", "cpam", "mdph"]),
]
COMMENTS = ["Très bon accueil, merci.", "Un peu d'attente mais on m'a bien aidé.",
            "L'agente a pris le temps de tout m'expliquer.", "",
            "Difficile de trouver un rendez-vous par téléphone."]


def _assign_network():
    email, department = DEMO_NETWORK
    user = find_user_by_email(email)
    if user is not None and db.session.scalar(db.select(NetworkDepartment.id).where(
            NetworkDepartment.user_id == user.id, NetworkDepartment.department == department)) is None:
        services.assign_department(None, user, department)


def seed_reception_demo(now=None):
    """Fill the demo desk log and answers once; returns the number of rows added."""
    _assign_network()
    now = now or utcnow()
    orgs = {o.code: o for o in db.session.scalars(db.select(Organisation).where(
        Organisation.code.in_([code for code, *_r in DEMO_DESKS])))}
    if len(orgs) < len(DEMO_DESKS):
        return 0
    if db.session.scalar(db.select(Visit.id).where(Visit.organisation_id.in_([o.id for o in orgs.values()]))
                         .limit(1)) is not None:
        return 0
    rng = random.Random(24)  # noqa: S311  # nosec B311 - demo data
    today = now.date()
    added = 0
    for code, email, per_day, operators in DEMO_DESKS:
        agent = find_user_by_email(email)
        rows = []
        for offset in range(92, 0, -1):
            day = today - timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for _n in range(rng.randint(per_day - 3, per_day + 3)):
                outcome = rng.choices(["resolved", "referred", "appointment", "escalated", "unresolved"],
                                      [80, 9, 5, 4, 2])[0]
                rows.append(services.clean_visit({
                    "visited_on": day, "channel": rng.choices(["in_person", "phone", "video", "email"],
                                                              [70, 22, 2, 6])[0],
                    "operators": [rng.choice(operators)], "outcome": outcome,
                    "duration": rng.choice(["lt5", "5_15", "5_15", "15_30", "30_60"]),
                    "waiting": rng.choice([None, "none", "lt5", "5_15", "15_30", "gt30"]),
                    "needs": ["literacy"] if rng.random() < 0.1 else [],
                    "support_request": f"AE-DEMO-{rng.randint(100, 999)}" if outcome == "escalated" else None,
                }, today=today, procedures=set()))
        services.record_visits(agent, orgs[code], rows, action="visit.seed")
        added += len(rows)
    added += _seed_answers(orgs, rng, now)
    return added


def _seed_answers(orgs, rng, now):
    applications = list(db.session.scalars(db.select(Application.id).where(Application.is_active.is_(True))
                                           .order_by(Application.id).limit(5)))
    answers = []
    for code, count in (("FS-DEMO", 40), ("CAF-DEMO", 20)):
        for _n in range(count):
            day = (now - timedelta(days=rng.randint(1, 90))).date()
            created = datetime.combine(day, time(10 + rng.randint(0, 6), rng.randint(0, 59)), UTC)
            scores = [rng.choices([5, 4, 3, 2, 1], [55, 28, 8, 5, 4])[0] for _q in range(3)]
            problem = applications and rng.random() < 0.15
            answers.append((orgs[code], Answer(
                organisation_id=orgs[code].id, handled=scores[0], welcome=scores[1], waiting=scores[2],
                comment=rng.choice(COMMENTS) or None, created_at=created,
                application_id=rng.choice(applications) if problem else None,
                problem="La page de connexion tourne en boucle." if problem else None)))
    for organisation, answer in answers:
        db.session.add(answer)
        summary.add(organisation, summary.month_of(answer.created_at), summary.answer_counts(answer))
    db.session.commit()
    return len(answers)


