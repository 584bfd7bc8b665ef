"""Enumerations of the reports domain: English values, French labels."""
from app.common.enums import LabelledEnum


class ProblemType(LabelledEnum):
    TECHNICAL_ERROR = ("technical_error", "Erreur technique")
    DEAD_END = ("dead_end", "Impasse (aucune issue pour continuer)")
    UNCLEAR = ("unclear", "Écran ou formulation incompréhensible")
    UNFORESEEN = ("unforeseen", "Situation non prévue")
    ACCESSIBILITY = ("accessibility", "Accessibilité")
    SUGGESTION = ("suggestion", "Suggestion")


class Status(LabelledEnum):
    NEW = ("new", "Nouvelle")
    QUALIFIED = ("qualified", "Qualifiée")
    ACKNOWLEDGED = ("acknowledged", "Prise en compte")
    IN_PROGRESS = ("in_progress", "Correction en cours")
    FIXED = ("fixed", "Corrigée")
    VERIFIED = ("verified", "Correction vérifiée")
    WORKAROUND_AVAILABLE = ("workaround_available", "Contournement disponible")
    INFO_REQUESTED = ("info_requested", "Informations demandées")
    DUPLICATE = ("duplicate", "Doublon")
    NOT_REPRODUCIBLE = ("not_reproducible", "Non reproductible")
    WONT_FIX = ("wont_fix", "Ne sera pas corrigée")
    OUT_OF_SCOPE = ("out_of_scope", "Hors périmètre")
    WITHDRAWN = ("withdrawn", "Retirée par l'agent")


class Device(LabelledEnum):
    COMPUTER = ("computer", "Ordinateur")
    SMARTPHONE = ("smartphone", "Smartphone")
    TABLET = ("tablet", "Tablette")
    KIOSK = ("kiosk", "Poste en libre-service du site")
    UNKNOWN = ("unknown", "Je ne sais pas")


class Browser(LabelledEnum):
    CHROME = ("chrome", "Chrome")
    FIREFOX = ("firefox", "Firefox")
    SAFARI = ("safari", "Safari")
    EDGE = ("edge", "Edge")
    SAMSUNG = ("samsung", "Samsung Internet")
    MOBILE_APP = ("mobile_app", "Application mobile du service")
    OTHER = ("other", "Autre")
    UNKNOWN = ("unknown", "Je ne sais pas")


class Reproducible(LabelledEnum):
    YES = ("yes", "Oui, le problème se reproduit")
    NO = ("no", "Non, il ne s'est produit qu'une fois")
    UNTRIED = ("untried", "Pas essayé")


class CommentKind(LabelledEnum):
    PUBLIC_ANSWER = ("public_answer", "Réponse publique")
    INTERNAL_NOTE = ("internal_note", "Note interne")
    AGENT_MESSAGE = ("agent_message", "Message d'agent")


class FollowReason(LabelledEnum):
    AUTHOR = ("author", "Auteur")
    ME_TOO = ("me_too", "Moi aussi")


class DeliveryStatus(LabelledEnum):
    PENDING = ("pending", "En attente")
    DELIVERED = ("delivered", "Livrée")
    FAILED = ("failed", "Abandonnée")


class WebhookEvent(LabelledEnum):
    REPORT_CREATED = ("report.created", "Remontée créée")
    STATUS_CHANGED = ("report.status_changed", "Statut modifié")
    COMMENTED = ("report.commented", "Commentaire ajouté")
    # Queued by the consultations domain (app.consultations), which stands on reports.
    CONSULTATION_ANSWERED = ("consultation.answered", "Consultation : réponse reçue")
    CONSULTATION_CLOSED = ("consultation.closed", "Consultation close")


PING_EVENT = "ping"
