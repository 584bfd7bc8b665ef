"""Report texts for seeded data: a few hundred combinations, masked and normalised once each."""
from functools import cache

from app.reports import search
from app.reports.services import mask_fields

TITLES = [
    "Erreur 500 à la validation du formulaire",
    "Page blanche après connexion FranceConnect",
    "Impossible de joindre le justificatif de domicile",
    "Le simulateur ne propose pas la situation de l'usager",
    "Message d'erreur incompréhensible sur le montant",
    "Le bouton Continuer ne répond pas sur smartphone",
    "Code de confirmation jamais reçu par SMS",
    "Téléversement refusé pour un PDF de 3 Mo",
    "Session expirée pendant la saisie des ressources",
    "Adresse introuvable dans la liste des communes",
    "Le lecteur d'écran ne lit pas les champs obligatoires",
    "Date de naissance refusée pour une personne née à l'étranger",
]
STORIES = [
    "L'usager saisit ses ressources trimestrielles puis l'écran affiche une erreur technique.",
    "Après la connexion, la page reste blanche et rien ne se charge, même après plusieurs essais.",
    "Le dépôt du justificatif échoue systématiquement avec le message fichier invalide.",
    "La situation de concubinage avec enfant à charge n'est pas proposée dans la liste.",
    "Le montant affiché ne correspond pas au courrier reçu, l'usager ne comprend pas pourquoi.",
    "Sur smartphone le bouton reste grisé, il faut passer sur l'ordinateur du site.",
    "Le code arrive après expiration, l'usager doit recommencer toute la démarche.",
    "Usager joignable au 06 12 34 56 78, numéro allocataire 1234567 indiqué dans le champ.",
    "Le formulaire perd les données saisies quand la session expire au bout de dix minutes.",
    "La commune nouvelle n'existe pas dans la liste déroulante de l'adresse.",
]
EXPECTED = [
    "La demande devrait être enregistrée avec un accusé de réception.",
    "Le service devrait proposer une solution ou un contact.",
    "",
]
ERRORS = ["Erreur 500 - Internal Server Error", "Une erreur est survenue, veuillez réessayer plus tard.", ""]


@cache
def report_text(index):
    """(masked fields, redaction counts, search_text) for text combination number index."""
    values = {
        "title": TITLES[index % len(TITLES)],
        "what_happened": STORIES[(index // len(TITLES)) % len(STORIES)],
        "expected": EXPECTED[index % len(EXPECTED)],
        "error_message": ERRORS[(index // 7) % len(ERRORS)],
    }
    masked, counts = mask_fields(values)
    normalised = search.normalise(
        masked.get("title", ""), masked.get("what_happened", ""), masked.get("expected", ""),
        masked.get("error_message", ""),
    )
    return masked, counts, normalised


COMBINATIONS = len(TITLES) * len(STORIES)
