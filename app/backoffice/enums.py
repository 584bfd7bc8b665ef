"""Statuses and choices of the back office, English values with French labels."""
from app.common.enums import LabelledEnum


class Status(LabelledEnum):
    NEW = ("new", "Nouvelle")
    REROUTED = ("rerouted", "Réorientée")
    TAKEN = ("taken", "Prise en charge")
    TRANSFERRED = ("transferred", "Transférée au niveau expert")
    ANSWERED = ("answered", "Répondue")
    CLOSED = ("closed", "Clôturée")


class Urgency(LabelledEnum):
    NONE = ("none", "Pas d'urgence particulière")
    DEADLINE = ("deadline", "Échéance ou délai proche")
    NO_INCOME = ("no_income", "Plus aucune ressource")
    RIGHTS_SUSPENDED = ("rights_suspended", "Droits suspendus")
    EVICTION = ("eviction", "Expulsion ou coupure imminente")


# Board order: the most serious first.
URGENCY_RANK = {Urgency.EVICTION: 0, Urgency.NO_INCOME: 1, Urgency.RIGHTS_SUSPENDED: 2,
                Urgency.DEADLINE: 3, Urgency.NONE: 4}


class Usefulness(LabelledEnum):
    YES = ("yes", "Oui")
    UNSURE = ("unsure", "Je ne sais pas")
    NO = ("no", "Non")


class ConsentKind(LabelledEnum):
    MANDATE = ("aidants_connect", "Mandat Aidants Connect")
    PAPER = ("paper", "Consentement écrit signé")
    ORAL = ("oral", "Consentement oral attesté par l'agent")


class MessageKind(LabelledEnum):
    QUESTION = ("question", "Message de l'agent")
    ANSWER = ("answer", "Réponse de l'expert")
    NOTE = ("note", "Note interne")
    INVITATION = ("invitation", "Invitation")
    EVENT = ("event", "Étape")


class Operator(LabelledEnum):
    """Organisation kinds that run an expert group (the accounts' organisation kinds)."""

    CAF = ("caf", "CAF")
    CPAM = ("cpam", "CPAM")
    CARSAT = ("carsat", "Carsat")
    MSA = ("msa", "MSA")
    FRANCE_TRAVAIL = ("france_travail", "France Travail")
    DGFIP = ("dgfip", "DGFiP")
    PREFECTURE = ("prefecture", "Préfecture")
    LA_POSTE = ("la_poste", "La Poste")


class DebriefStatus(LabelledEnum):
    ASKED = ("asked", "Demandé")
    PROPOSED = ("proposed", "Créneau proposé")
    ACCEPTED = ("accepted", "Créneau accepté")
    DONE = ("done", "Réalisé")


# The identifiers of the citizen file block, in display order.
CITIZEN_FIELDS = (
    ("last_name", "Nom"), ("first_name", "Prénom"), ("birth_date", "Date de naissance"),
    ("caf_number", "Numéro allocataire"), ("nir", "Numéro de sécurité sociale (NIR)"),
    ("tax_number", "Numéro fiscal"), ("france_travail_id", "Identifiant France Travail"),
    ("phone", "Téléphone"),
)
