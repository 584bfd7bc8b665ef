"""Main navigation: each role sees only what it may use."""
from flask import request, url_for

# (role, endpoint, label); later domains append their entries.
NAVIGATION = [
    ("agent", "site.agent_home", "Tableau de bord"),
    ("agent", "training.catalog", "Formations"),
    ("agent", "training.paths", "Parcours"),
    ("hr", "site.hr_home", "Accueil RH"),
    ("hr", "hr.agents", "Agents de ma structure"),
    ("hr", "hr_training.team", "Suivi des formations"),
    ("agent", "passport.index", "Mon passeport"),
    ("hr", "hr_passport.queue", "Passeports à valider"),
    ("agent", "passport_docs.mobility", "Mobilité"),
    ("agent", "passport_docs.vae_index", "VAE"),
    ("hr", "hr_vae.candidacies", "Jurys VAE"),
    ("agent", "reports.mine", "Mes remontées"),
    ("triager", "site.triager_home", "Accueil équipe"),
    ("triager", "triage.board", "Remontées"),
    ("triager", "triage.statistics", "Statistiques"),
    ("triager", "team_settings.index", "Réglages de l'équipe"),
    ("admin", "site.admin_home", "Administration"),
    ("admin", "admin.users", "Utilisateurs"),
    ("admin", "admin.organisations", "Structures"),
    ("admin", "admin.teams", "Équipes logicielles"),
    ("admin", "admin.audit_log", "Journal d'audit"),
    ("admin", "triage.board", "Remontées"),
    ("agent", "workplace_incidents.index", "Signalements"),
    ("agent", "workplace_barometer.index", "Conditions de travail"),
    ("hr", "workplace_incidents.index", "Signalements"),
    ("hr", "workplace_site.index", "Poste et lieu d'accueil"),
    ("hr", "workplace_barometer.index", "Baromètre"),
    ("hr", "workplace_dialogue.indicators_page", "Conditions de travail"),
    ("admin", "workplace_dialogue.indicators_page", "Conditions de travail"),
    ("admin", "workplace_dialogue.mandates", "Représentants du personnel"),
]

# Reference pages, for every logged-in role.
SHARED = [
    ("referential.reference", "Référentiel"),
    ("referential.profiles", "Filière"),
    ("referential.certifications", "Certifications"),
]


# (role, script root) -> ((endpoint, url, label), ...): the links never change while the app runs.
_LINKS = {}


def _links(role):
    key = (role, request.script_root)
    links = _LINKS.get(key)
    if links is None:
        entries = [(endpoint, label) for r, endpoint, label in NAVIGATION if r == role] + SHARED
        links = _LINKS[key] = tuple((endpoint, url_for(endpoint), label) for endpoint, label in entries)
    return links


def main_navigation(user):
    current = request.endpoint
    return [{"url": url, "label": label, "active": current == endpoint} for endpoint, url, label in _links(user.role)]
