"""The desk log's vocabulary and the citizens' voice scale: English values, French labels."""
from app.accounts.models import OrgKind
from app.common.enums import LabelledEnum


class Channel(LabelledEnum):
    IN_PERSON = ("in_person", "Accueil physique")
    PHONE = ("phone", "Téléphone")
    VIDEO = ("video", "Visio")
    EMAIL = ("email", "Courriel")


class Outcome(LabelledEnum):
    RESOLVED = ("resolved", "Résolu sur place")
    REFERRED = ("referred", "Orienté vers un partenaire")
    APPOINTMENT = ("appointment", "Rendez-vous pris")
    ESCALATED = ("escalated", "Appui expert demandé")
    UNRESOLVED = ("unresolved", "Non résolu")


class Duration(LabelledEnum):
    UNDER_5 = ("lt5", "Moins de 5 min")
    FROM_5_TO_15 = ("5_15", "5 à 15 min")
    FROM_15_TO_30 = ("15_30", "15 à 30 min")
    FROM_30_TO_60 = ("30_60", "30 min à 1 h")
    OVER_60 = ("gt60", "Plus d'une heure")


class Waiting(LabelledEnum):
    NONE = ("none", "Pas d'attente")
    UNDER_5 = ("lt5", "Moins de 5 min")
    FROM_5_TO_15 = ("5_15", "5 à 15 min")
    FROM_15_TO_30 = ("15_30", "15 à 30 min")
    OVER_30 = ("gt30", "Plus de 30 min")


# Waiting over 15 minutes (the indicator's threshold).
LONG_WAITS = {Waiting.FROM_15_TO_30.value, Waiting.OVER_30.value}


class Need(LabelledEnum):
    DISABILITY = ("disability", "Handicap")
    LANGUAGE = ("language", "Langue")
    LITERACY = ("literacy", "Illettrisme / illectronisme")
    SOCIAL_EMERGENCY = ("social_emergency", "Urgence sociale")


class Question(LabelledEnum):
    HANDLED = ("handled", "Ma demande a été traitée")
    WELCOME = ("welcome", "J'ai été bien accueilli·e")
    WAITING = ("waiting", "Le temps d'attente était acceptable")


# The 1-5 scale, with words (plain French, easy to read).
SCORES = [
    (5, "Oui, tout à fait"),
    (4, "Oui, plutôt"),
    (3, "Moyen"),
    (2, "Non, pas vraiment"),
    (1, "Non, pas du tout"),
]

# The operators a desk meets are the organisation kinds, the site's own network excepted.
OPERATORS = [kind for kind in OrgKind if kind.value not in ("france_services", "private")]
OPERATOR_VALUES = {kind.value for kind in OPERATORS}


OPERATOR_LABELS = {kind.value: kind.label for kind in OPERATORS}


def operator_label(value):
    return OPERATOR_LABELS.get(value, value)


def operator_labels(values):
    """"Label, label": what `values|map("operator_label")|join(", ")` gives, without a filter call per value."""
    return ", ".join([OPERATOR_LABELS.get(value, value) for value in values])
