"""Demo data of working conditions (idempotent): rep.fs's mandate, incidents, checklist, barometers."""
import random
import uuid
from datetime import date, datetime, timedelta

from app.accounts.models import Organisation, find_user_by_email
from app.common.models import utcnow
from app.extensions import db
from app.reports.models import Report
from app.workplace import checklist, dialogue, incidents
from app.workplace.enums import BAROMETER_CODES, CHECKLIST_ITEMS
from app.workplace.models import BarometerAnswer, BarometerCampaign, Incident, StaffRepMandate
from app.workplace.periods import parse_quarter, previous_quarters, quarter_of

DEMO_INCIDENTS = [
    # (days ago, channel, kind, severity, context, anonymous, statuses reached)
    (40, "desk", "verbal", "2", "waiting", False, ("taken", "support_offered", "closed")),
    (25, "phone", "incivility", "1", "refusal", False, ("taken", "closed")),
    (12, "desk", "threat", "3", "online_service", True, ("taken", "support_offered")),
    (6, "email", "incivility", "1", "other", False, ("taken",)),
    (1, "desk", "verbal", "2", "waiting", False, ()),
]


def seed_workplace_demo():
    """Add the working-conditions demo to FS-DEMO (nothing is added twice)."""
    org = db.session.scalar(db.select(Organisation).where(Organisation.code == "FS-DEMO"))
    agent, hr = find_user_by_email("agent.fs@passerelle.example"), find_user_by_email("rh.fs@passerelle.example")
    rep = find_user_by_email("rep.fs@passerelle.example")
    if org is None or agent is None or hr is None:
        return
    if rep is not None and db.session.scalar(db.select(StaffRepMandate.id).where(StaffRepMandate.user_id == rep.id)) is None:
        db.session.add(StaffRepMandate(user_id=rep.id, organisation_id=org.id))
        db.session.commit()
    if db.session.scalar(db.select(Incident.id).where(Incident.organisation_id == org.id).limit(1)) is None:
        _incidents(org, agent, hr)
    if not checklist.history(org.id, limit=1):
        _checklist(agent, hr)
    today = date.today()
    if db.session.scalar(db.select(BarometerCampaign.id).where(BarometerCampaign.organisation_id == org.id)) is None:
        _barometers(org, hr, today)


def _incidents(org, agent, hr):
    report = db.session.scalar(db.select(Report).where(Report.organisation_id == org.id).limit(1))
    now = utcnow()
    for days, channel, kind, severity, context, anonymous, steps in DEMO_INCIDENTS:
        values = {"occurred_at": now - timedelta(days=days, hours=2), "channel": channel, "kind": kind,
                  "severity": severity, "context": context, "anonymous_to_hr": anonymous,
                  "narrative": "Usager mécontent du délai de traitement de son dossier ; ton très agressif au guichet.",
                  "consequences": ["police_log"] if severity == "3" else [],
                  "support_wanted": ["debriefing"] if severity != "1" else [],
                  "report_reference": report.reference if context == "online_service" and report else ""}
        incident = incidents.file_incident(agent, values)
        incident.created_at = now - timedelta(days=days)
        for step in steps:
            incidents.move(hr, incident, step, "Échange avec l'agent ; débriefing d'équipe proposé.")


def _checklist(agent, hr):
    answers = {code: ("compliant", "") for code in CHECKLIST_ITEMS}
    answers.update({"ambience_noise": ("improve", "Sonneries du standard dans l'espace d'accueil."),
                    "safety_exit": ("non_compliant", "Cartons stockés derrière le guichet."),
                    "privacy_booth": ("improve", ""), "access_hearing": ("not_applicable", "")})
    checklist.record_assessment(hr, answers)
    today = date.today()
    checklist.add_action(hr, "Dégager l'issue de l'agent derrière le guichet", "safety_exit", agent.email,
                         today + timedelta(days=5))
    checklist.add_action(hr, "Déplacer le standard hors de l'espace d'accueil", "ambience_noise", hr.email,
                         today + timedelta(days=45))
    done = checklist.add_action(hr, "Afficher les consignes en cas d'agression", "safety_instructions", hr.email,
                                today - timedelta(days=10))
    checklist.mark_done(hr, done)


def _barometers(org, hr, today):
    """A closed campaign of last quarter with 9 answers (results shown) and an open one now."""
    rng = random.Random(18)  # noqa: S311  # nosec B311 - demo figures
    last = previous_quarters(quarter_of(today), 2)[0]
    start, end = parse_quarter(last)
    closed = BarometerCampaign(title=f"Baromètre {last}", organisation_id=org.id, quarter=last, opens_on=start,
                               closes_on=end - timedelta(days=1), status="closed", opened_by_id=hr.id,
                               closed_at=datetime.combine(end, datetime.min.time()))
    db.session.add(closed)
    db.session.flush()
    for _n in range(9):
        db.session.add(BarometerAnswer(id=str(uuid.uuid4()), campaign_id=closed.id, organisation_id=org.id,
                                       department=org.department, answered_on=start + timedelta(days=rng.randint(0, 20)),
                                       **{code: rng.randint(2, 5) for code in BAROMETER_CODES}))
    db.session.flush()
    from app.workplace import barometer

    barometer.record_totals(closed.id)  # closed here, not through close_campaign: its sums written the same way
    db.session.commit()
    _, quarter_end = parse_quarter(quarter_of(today))
    barometer.open_campaign(hr, f"Baromètre {quarter_of(today)}", today, quarter_end - timedelta(days=1))
    dialogue.add_item(hr, org, "theme", last, "Le bruit du standard dans l'espace d'accueil.")
    dialogue.add_item(hr, org, "question", last, "Peut-on garantir deux agents présents le lundi matin ?")
    dialogue.add_item(hr, org, "decision", last, "Un second agent est affecté à l'accueil le lundi matin.")
