"""Enumerations of the consultations domain: English values, French labels."""
from app.common.enums import LabelledEnum


class ConsultationKind(LabelledEnum):
    TESTERS = ("testers", "Appel à testeurs d'une nouvelle version")
    PROTOTYPE = ("prototype", "Avis sur une maquette ou un prototype")
    SURVEY = ("survey", "Questionnaire court")
    WORKSHOP = ("workshop", "Atelier de co-conception")


# Kinds where places are limited: agents volunteer, the others wait for a place.
WITH_CAPACITY = {ConsultationKind.TESTERS, ConsultationKind.WORKSHOP}


class ConsultationStatus(LabelledEnum):
    DRAFT = ("draft", "Brouillon")
    OPEN = ("open", "Ouverte")
    CLOSED = ("closed", "Close")


class Targeting(LabelledEnum):
    ALL = ("all", "Tous les agents")
    ORG_KINDS = ("org_kinds", "Les agents de certains types de structure")
    DEPARTMENTS = ("departments", "Les agents de certains départements")
    REPORTERS = ("reporters", "Les agents qui ont fait une remontée ou dit « moi aussi » sur ce service")


class QuestionKind(LabelledEnum):
    SCALE = ("scale", "Échelle de 1 à 5")
    SINGLE = ("single", "Choix unique")
    MULTIPLE = ("multiple", "Choix multiples")
    TEXT = ("text", "Réponse libre")


class ParticipationStatus(LabelledEnum):
    VOLUNTEERED = ("volunteered", "Inscrit(e)")
    WAITING = ("waiting", "En liste d'attente")
    ANSWERED = ("answered", "Réponse envoyée")
    WITHDRAWN = ("withdrawn", "Participation retirée")


# Participations that hold a place (the waiting list is behind them).
HOLDING_A_PLACE = (ParticipationStatus.VOLUNTEERED.value, ParticipationStatus.ANSWERED.value)

# Figures about fewer people than this are not shown per organisation kind or département.
MIN_GROUP = 5
SMALL_GROUP_LABEL = "moins de 5 réponses"
