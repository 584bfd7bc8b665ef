"""Demo data of the back office: APPUI-CAF-69 and APPUI-CAF-NAT with their experts, requests from
agent.fs in each state, two fiches réflexes (idempotent: nothing is added twice)."""
from datetime import date

from app.accounts.models import find_user_by_email
from app.backoffice import conversation, fiches, groups, requests
from app.backoffice.knowledge_models import Fiche
from app.backoffice.models import SupportRequest
from app.extensions import db
from app.reports.catalog_models import Procedure

DEMO_GROUPS = [
    ("APPUI-CAF-69", "Pôle d'appui CAF du Rhône", ["69"], False, "expert.caf@passerelle.example",
     "Droits bloqués, indus, suspensions de versement : quand le 3230 et caf.fr n'ont pas suffi."),
    ("APPUI-CAF-NAT", "Pôle d'appui CAF national", [], True, "expert.national@passerelle.example",
     "Cas complexes ou sans réponse locale ; invité automatiquement après 5 jours ouvrés sans réponse."),
]
CONSENT = {"kind": "paper", "date": date(2026, 12, 1)}
CITIZEN = {"last_name": "Exemple", "first_name": "Camille", "caf_number": "1234567"}


def _procedure(code):
    return db.session.scalar(db.select(Procedure.id).where(Procedure.code == code).limit(1))


def seed_backoffice():
    for code, name, departments, national, email, note in DEMO_GROUPS:
        group = groups.group_by_code(code)
        if group is None:
            group = groups.create_group(None, code, name, "caf", departments, national, note,
                                        f"{code.lower()}@caf.example")
        if email not in {u.email for u in groups.members(group)}:
            groups.add_member(None, group, email)
    agent = find_user_by_email("agent.fs@passerelle.example")
    expert = find_user_by_email("expert.caf@passerelle.example")
    national = groups.group_by_code("APPUI-CAF-NAT")
    if db.session.scalar(db.select(SupportRequest.id).where(SupportRequest.author_id == agent.id).limit(1)):
        return
    rsa = _procedure("rsa") or _procedure("declaration-trimestrielle")

    def new(subject, situation, urgency="none", citizen=None):
        values = {"operator": "caf", "subject": subject, "situation": situation, "urgency": urgency,
                  "tried": "Appel au 3230, message sur l'espace caf.fr.", "procedure_id": rsa}
        return requests.create_request(agent, values, citizen, CONSENT if citizen else None)

    new("Versement du RSA suspendu sans courrier", "Le RSA n'est plus versé depuis le mois dernier, aucun courrier reçu.",
        "rights_suspended", CITIZEN)
    taken = new("Indu réclamé après un changement de situation", "Un indu de 900 € est réclamé ; la personne "
                "pense avoir déclaré son changement à temps.")
    conversation.take(expert, taken)
    answered = new("Prime d'activité non versée", "La prime d'activité n'est pas versée malgré la déclaration "
                   "trimestrielle faite.")
    conversation.take(expert, answered)
    conversation.answer(expert, answered, "La déclaration trimestrielle comportait un mois vide : elle a été "
                                          "relancée. Versement sous 10 jours.")
    closed = new("Attestation de paiement introuvable", "La personne a besoin d'une attestation de paiement pour "
                 "son bailleur.")
    conversation.answer(expert, closed, "L'attestation se télécharge dans « Mon compte > Mes attestations ».")
    conversation.close(agent, closed, "yes")
    invited = new("Dossier transféré d'un autre département", "Le dossier n'a pas suivi le déménagement depuis "
                  "la Guadeloupe.", "no_income")
    conversation.invite(expert, invited, group=national, message="Transfert inter-départements : avis national ?")
    transferred = new("Rappel de droits à l'allocation logement", "Le calcul de l'allocation logement semble "
                      "ignorer la colocation déclarée.")
    conversation.take(expert, transferred)
    conversation.transfer(expert, transferred, "CAF69-2026-0042")
    for request, title, body in (
        (answered, "Prime d'activité non versée : vérifier la déclaration trimestrielle",
         "1. Ouvrir la dernière **déclaration trimestrielle**.\n\n2. Un mois laissé vide bloque le calcul : "
         "saisir 0 € plutôt que laisser vide.\n\n3. Si la déclaration est complète, demander un appui."),
        (closed, "Attestation de paiement CAF",
         "L'attestation se télécharge dans **Mon compte > Mes attestations** sur caf.fr ou l'appli Caf - Mon Compte. "
         "Choisir la période demandée par le bailleur."),
    ):
        if not db.session.scalar(db.select(Fiche.id).where(Fiche.title == title)):
            fiches.create_from_request(expert, request, {"title": title, "body": body, "competencies": "A3.2"})
