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
]

# Reference pages, for every logged-in role.
SHARED = [
    ("referential.reference", "Référentiel"),
    ("referential.profiles", "Filière"),
    ("referential.certifications", "Certifications"),
]


def main_navigation(user):
    items = []
    for role, endpoint, label in NAVIGATION:
        if role == user.role:
            url = url_for(endpoint)
            items.append({"url": url, "label": label, "active": request.endpoint == endpoint})
    for endpoint, label in SHARED:
        items.append({"url": url_for(endpoint), "label": label, "active": request.endpoint == endpoint})
    return items
