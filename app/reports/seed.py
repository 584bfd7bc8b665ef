"""Demo data of the reports domain: the catalogue, team ownership and two reports (idempotent)."""
from app.accounts.models import Team, find_user_by_email
from app.extensions import db
from app.reports import services, triage
from app.reports.catalog import import_catalog
from app.reports.models import Application, Procedure, Report

# Applications each demo team owns (the catalogue says the same; seeding makes sure of it).
DEMO_OWNERS = {
    "TEAM-CAF": ("caf-fr", "caf-appli"),
    "TEAM-ANTS": ("ants-identite", "ants-permis", "ants-immatriculation"),
}
DEMO_REPORTS = [
    {
        "author": "agent.caf@passerelle.example",
        "application": "caf-fr",
        "procedure": "declaration-trimestrielle",
        "problem_type": "dead_end",
        "title": "Le bouton « Valider » reste grisé sur la déclaration trimestrielle",
        "what_happened": "Après avoir saisi les montants des trois mois (dont un mois à 0 €), le bouton "
                         "« Valider » reste grisé, sans message. La personne ne peut pas envoyer sa déclaration.",
        "expected": "Pouvoir valider une déclaration qui contient un mois sans revenu.",
        "people_affected": 3,
        "citizen_blocked": True,
        "right_at_risk": True,
        "reproducible": "yes",
    },
    {
        "author": "agent.fs@passerelle.example",
        "application": "ants-identite",
        "procedure": "pre-demande",
        "problem_type": "technical_error",
        "title": "Timbre fiscal acheté en ligne refusé à la pré-demande de passeport",
        "what_happened": "Le numéro du timbre fiscal électronique acheté la veille est refusé avec le message "
                         "« timbre non valide ».",
        "expected": "Le timbre acheté est accepté et la pré-demande peut être finalisée.",
        "error_message": "Timbre non valide",
        "people_affected": 1,
        "reproducible": "untried",
        "answer": ("dev.ants@passerelle.example",
                   "Merci. Un délai de synchronisation peut exister après l'achat : réessayez 24 heures plus "
                   "tard ; sinon, répondez ici en précisant l'heure de l'achat."),
    },
]


def seed_reports():
    """Load the catalogue, give the demo teams their services, file the demo reports once."""
    import_catalog()
    for team_code, app_codes in DEMO_OWNERS.items():
        team = db.session.scalar(db.select(Team).where(Team.code == team_code))
        for app in db.session.scalars(db.select(Application).where(Application.code.in_(app_codes))):
            if team is not None and app.team_id != team.id:
                app.team_id = team.id
    db.session.commit()
    for item in DEMO_REPORTS:
        author = find_user_by_email(item["author"])
        if author is None or db.session.scalar(db.select(Report.id).where(Report.title == item["title"])):
            continue
        app = services.application_by_code(item["application"])
        procedure = db.session.scalar(
            db.select(Procedure).where(Procedure.application_id == app.id, Procedure.code == item["procedure"])
        )
        values = {key: item.get(key, "") for key in services.TEXT_FIELDS}
        values.update(
            application_id=app.id, procedure_id=procedure.id if procedure else None,
            problem_type=item["problem_type"], people_affected=item["people_affected"],
            citizen_blocked=item.get("citizen_blocked", False), right_at_risk=item.get("right_at_risk", False),
            reproducible=item["reproducible"], citizen_device="smartphone", citizen_browser="chrome",
        )
        report = services.file_report(author, values, (), "Firefox sous Windows")
        if item.get("answer"):
            email, text = item["answer"]
            triager = find_user_by_email(email)
            if triager is not None:
                triage.change_status(triager, report, "qualified")
                triage.add_team_comment(triager, report, text)
