"""Working conditions: labelled enums, the incident workflow, the checklist and the barometer items."""
from app.common.enums import LabelledEnum


class Channel(LabelledEnum):
    DESK = ("desk", "À l'accueil")
    PHONE = ("phone", "Téléphone")
    EMAIL = ("email", "Courriel")
    SOCIAL = ("social", "Réseaux sociaux")
    OFF_SITE = ("off_site", "Hors site")


class IncidentKind(LabelledEnum):
    INCIVILITY = ("incivility", "Incivilité")
    VERBAL = ("verbal", "Agression verbale")
    THREAT = ("threat", "Menace")
    PHYSICAL = ("physical", "Agression physique")
    DISCRIMINATION = ("discrimination", "Discrimination")
    DAMAGE = ("damage", "Dégradation")


class Severity(LabelledEnum):
    MINOR = ("1", "1 – Mineur")
    SERIOUS = ("2", "2 – Sérieux")
    GRAVE = ("3", "3 – Grave")
    VERY_GRAVE = ("4", "4 – Très grave")


SEVERITY_DEFINITIONS = {
    Severity.MINOR: "Propos déplacés ou impolitesse, sans menace ; l'échange a pu se poursuivre.",
    Severity.SERIOUS: "Insultes, cris ou pression répétée ; l'échange a dû être interrompu.",
    Severity.GRAVE: "Menaces, intimidation ou bris de matériel ; intervention d'un tiers nécessaire.",
    Severity.VERY_GRAVE: "Violence physique ou menace grave ; secours, forces de l'ordre ou arrêt de travail.",
}


class IncidentContext(LabelledEnum):
    WAITING = ("waiting", "Attente")
    REFUSAL = ("refusal", "Refus ou délai d'une prestation")
    ONLINE_SERVICE = ("online_service", "Dysfonctionnement d'un service en ligne")
    OTHER = ("other", "Autre")


class Consequence(LabelledEnum):
    SICK_LEAVE = ("sick_leave", "Arrêt de travail")
    COMPLAINT = ("complaint", "Plainte")
    POLICE_LOG = ("police_log", "Main courante")


class SupportKind(LabelledEnum):
    DEBRIEFING = ("debriefing", "Débriefing")
    PSYCHOLOGIST = ("psychologist", "Psychologue")
    LEGAL_PROTECTION = ("legal_protection", "Protection fonctionnelle")
    ADJUSTMENT = ("adjustment", "Aménagement du poste ou de l'organisation")


class IncidentStatus(LabelledEnum):
    RECEIVED = ("received", "Reçu")
    TAKEN = ("taken", "Pris en charge")
    SUPPORT_OFFERED = ("support_offered", "Soutien proposé")
    CLOSED = ("closed", "Clos")


# status -> statuses it may move to (the manager's workflow, nothing else).
INCIDENT_TRANSITIONS = {
    IncidentStatus.RECEIVED: (IncidentStatus.TAKEN,),
    IncidentStatus.TAKEN: (IncidentStatus.SUPPORT_OFFERED, IncidentStatus.CLOSED),
    IncidentStatus.SUPPORT_OFFERED: (IncidentStatus.CLOSED,),
    IncidentStatus.CLOSED: (),
}
TAKE_IN_CHARGE_HOURS = 48


class CheckValue(LabelledEnum):
    COMPLIANT = ("compliant", "Conforme")
    IMPROVE = ("improve", "À améliorer")
    NON_COMPLIANT = ("non_compliant", "Non conforme")
    NOT_APPLICABLE = ("not_applicable", "Sans objet")


# theme code -> (label, ((item code, label), ...)); codes are stored, never renumber them.
CHECKLIST = {
    "post": ("Poste de travail", (
        ("post_seat", "Siège réglable (hauteur, dossier) et en bon état"),
        ("post_worktop", "Plan de travail à bonne hauteur, visiteur et agent à la même hauteur"),
        ("post_screen", "Écran réglable, sans reflet, tourné hors de la vue du public"),
        ("post_space", "Espace suffisant pour les documents et le matériel"),
        ("post_tools", "Outils (poste, imprimante, scanner) en état de marche"),
    )),
    "ambience": ("Ambiance", (
        ("ambience_light", "Éclairage suffisant, sans éblouissement"),
        ("ambience_noise", "Bruit maîtrisé (traitement acoustique, sonneries)"),
        ("ambience_heat", "Température supportable en toute saison"),
        ("ambience_air", "Aération ou ventilation"),
    )),
    "privacy": ("Confidentialité", (
        ("privacy_booth", "Espace fermé ou isolé pour les entretiens confidentiels"),
        ("privacy_distance", "Distance de confidentialité marquée au guichet"),
        ("privacy_documents", "Documents du public hors de vue des autres visiteurs"),
        ("privacy_phone", "Appels passés sans être entendus du public"),
    )),
    "safety": ("Sécurité", (
        ("safety_exit", "Issue de dégagement de l'agent toujours libre"),
        ("safety_alarm", "Alarme ou bouton d'appel discret et testé"),
        ("safety_instructions", "Consignes en cas d'agression connues et affichées"),
        ("safety_alone", "Jamais d'agent seul à l'accueil"),
        ("safety_register", "Registre santé et sécurité accessible"),
    )),
    "access": ("Accessibilité du lieu", (
        ("access_entrance", "Entrée de plain-pied ou rampe"),
        ("access_desk", "Guichet abaissé pour personne en fauteuil"),
        ("access_hearing", "Boucle magnétique ou aide à l'audition"),
    )),
    "waiting": ("Affichage et attente", (
        ("waiting_hours", "Horaires et services affichés dehors et dedans"),
        ("waiting_seats", "Sièges en nombre suffisant dans l'attente"),
        ("waiting_display", "Temps d'attente ou ordre de passage affiché"),
        ("waiting_rules", "Règles de bonne conduite affichées"),
    )),
}
CHECKLIST_ITEMS = {code: (theme, label) for theme, (_t, items) in CHECKLIST.items() for code, label in items}

# The barometer's questions (1 = pas du tout d'accord ... 5 = tout à fait d'accord); code = column name.
BAROMETER_ITEMS = (
    ("workload", "Ma charge de travail est raisonnable"),
    ("handling_time", "J'ai le temps nécessaire pour traiter les demandes"),
    ("autonomy", "J'ai de l'autonomie dans mon travail"),
    ("peer_help", "Je peux compter sur l'aide de mes collègues"),
    ("manager_help", "Je peux compter sur l'aide de mon encadrement"),
    ("backoffice_help", "Les services « back-office » répondent à mes sollicitations"),
    ("tools", "Les outils que j'utilise fonctionnent"),
    ("training", "La formation reçue me permet de bien faire mon travail"),
    ("recognition", "Mon travail est reconnu"),
    ("tension", "Je suis rarement exposé(e) à des situations de tension"),
    ("safety", "Je me sens en sécurité à mon poste"),
    ("comfort", "Mon poste de travail est confortable"),
)
BAROMETER_CODES = tuple(code for code, _label in BAROMETER_ITEMS)


class CampaignStatus(LabelledEnum):
    OPEN = ("open", "Ouverte")
    CLOSED = ("closed", "Close")


class DiscussionKind(LabelledEnum):
    THEME = ("theme", "Thème soulevé")
    QUESTION = ("question", "Question pour la réunion")
    DECISION = ("decision", "Décision prise")
