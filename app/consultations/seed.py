"""Demo consultations of TEAM-CAF (idempotent): an open prototype review of the quarterly declaration form,
addressed to the agents who reported on it, with a few answers; and a closed questionnaire with its
« ce que nous avons changé grâce à vous »."""
from datetime import date, timedelta

from app.accounts.models import Organisation, Role, Team, User, find_user_by_email
from app.accounts.services import open_membership
from app.consultations import services
from app.consultations.models import Consultation
from app.extensions import db
from app.reports import services as report_services
from app.reports.models import Procedure, Report, ReportFollower

OPEN_TITLE = "Votre avis sur la maquette de la nouvelle déclaration trimestrielle"
CLOSED_TITLE = "Questionnaire : les messages d'erreur de Mon Compte"
# Agents of a demo town hall who said « moi aussi » on the demo report: they answer the open consultation.
# They have no password (no sign-in): they only give the results something to count.
WITNESS_ORG = ("MAIRIE-DEMO", "Mairie de démonstration", "mairie", "13")
WITNESSES = [("temoin.1@passerelle.example", "Théo Témoin"), ("temoin.2@passerelle.example", "Tina Témoin")]
PROTOTYPE_QUESTIONS = [
    {"kind": "scale", "text": "La nouvelle saisie des ressources est-elle plus claire que l'actuelle ?"},
    {"kind": "single", "text": "Le mois sans revenu se déclare-t-il facilement ?",
     "choices": ["Oui", "Non", "Je ne sais pas"]},
    {"kind": "multiple", "text": "Quels publics la maquette aiderait-elle le plus ?",
     "choices": ["Allocataires du RSA", "Travailleurs saisonniers", "Personnes âgées", "Étudiants"]},
    {"kind": "text", "text": "Que faudrait-il encore changer ?"},
]
PROTOTYPE_ANSWERS = [
    ("agent.caf@passerelle.example", 4, 0, [0, 1],
     "Afficher « 0 € » par défaut pour un mois sans revenu ; une dame a appelé du 06 12 34 56 78 pour ça."),
    (WITNESSES[0][0], 5, 0, [0], "Le bouton Valider reste visible : très bien."),
    (WITNESSES[1][0], 3, 2, [1, 2], ""),
]
CLOSED_QUESTIONS = [
    {"kind": "scale", "text": "Les messages d'erreur vous aident-ils à débloquer la personne ?"},
    {"kind": "text", "text": "Un message d'erreur qui vous a posé problème ?"},
]
OUTCOME = (
    "Ce que nous gardons : la vérification des montants avant l'envoi.\n"
    "Ce qui change : chaque message d'erreur dit maintenant quoi faire, et le code technique passe en petit.\n"
    "Ce qui ne changera pas : la déconnexion après 15 minutes d'inactivité, imposée par la sécurité du compte.\n"
    "Merci à vous : vos exemples ont servi à réécrire onze messages."
)


def _witnesses():
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.code == WITNESS_ORG[0]))
    if organisation is None:
        code, name, kind, department = WITNESS_ORG
        organisation = Organisation(code=code, name=name, kind=kind, department=department)
        db.session.add(organisation)
        db.session.flush()
    users = []
    for email, name in WITNESSES:
        user = find_user_by_email(email)
        if user is None:
            user = User(email=email, full_name=name, role=Role.AGENT.value, organisation=organisation,
                        password_hash=None)
            db.session.add(user)
            db.session.flush()
            open_membership(user, organisation)
        users.append(user)
    db.session.commit()
    return users


def seed_consultations():
    """Create the demo consultations once; returns whether anything was created."""
    team = db.session.scalar(db.select(Team).where(Team.code == "TEAM-CAF"))
    dev = find_user_by_email("dev.caf@passerelle.example")
    report = db.session.scalar(db.select(Report).join(Procedure, Report.procedure_id == Procedure.id).where(
        Procedure.code == "declaration-trimestrielle").order_by(Report.id))
    if team is None or dev is None or report is None:
        return False
    if db.session.scalar(db.select(Consultation.id).where(Consultation.title == OPEN_TITLE)) is not None:
        return False
    for witness in _witnesses():
        already = db.session.scalar(db.select(ReportFollower.id).where(
            ReportFollower.report_id == report.id, ReportFollower.user_id == witness.id))
        if already is None and report.is_open:
            report_services.add_me_too(witness, report)
    today = date.today()
    prototype = services.create_consultation(dev, team, {
        "application_id": report.application_id, "procedure_id": report.procedure_id, "kind": "prototype",
        "title": OPEN_TITLE, "prototype_url": "https://maquettes.caf.example/declaration-trimestrielle",
        "purpose": "Nous refaisons la saisie des ressources trimestrielles, où des usagers restent bloqués "
                   "(bouton « Valider » grisé avec un mois sans revenu). Vous avez signalé ce problème : dites-nous "
                   "si la maquette le règle, avant la mise en production.",
        "starts_on": today, "ends_on": today + timedelta(days=21), "targeting": "reporters",
    }, PROTOTYPE_QUESTIONS, publish=True)
    q = prototype.questions
    for email, score, single, multiple, text in PROTOTYPE_ANSWERS:
        agent = find_user_by_email(email)
        if agent is not None:
            services.submit_answers(agent, prototype, {q[0].id: score, q[1].id: single, q[2].id: multiple,
                                                       q[3].id: text})
    closed = services.create_consultation(dev, team, {
        "application_id": report.application_id, "kind": "survey", "title": CLOSED_TITLE,
        "purpose": "Les messages d'erreur de Mon Compte aident-ils à débloquer les personnes à l'accueil ?",
        "starts_on": today - timedelta(days=60), "ends_on": today - timedelta(days=30), "targeting": "all",
    }, CLOSED_QUESTIONS, publish=True)
    for email, score, text in [("agent.fs@passerelle.example", 2, "« Erreur technique 500 », sans rien d'autre."),
                               ("agent.caf@passerelle.example", 3, "")]:
        agent = find_user_by_email(email)
        if agent is not None:
            services.submit_answers(agent, closed, {closed.questions[0].id: score, closed.questions[1].id: text})
    services.close_consultation(dev, closed, OUTCOME, release_on=today - timedelta(days=7))
    return True
