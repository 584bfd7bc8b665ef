"""Main navigation: each role sees only what it may use, grouped in DSFR sub-menus.

An entry is (role, endpoint, label) for a top-level link, or (role, endpoint, label, group) for a
link of the sub-menu named group; a sub-menu takes the place of its first entry. Keep at most six or
seven top-level items per role (links and sub-menus): put new pages in a group.
"""
from flask import request, url_for

TRAINING = "Formation"
PASSPORT = "Passeport"
REFERENCE = "Référentiel"
AGENTS = "Agents"
PASSPORTS = "Passeports"
REPORTS = "Remontées"
ACCOUNTS = "Comptes"
ONLINE = "Services en ligne"
SUPPORT = "Appui expert"
WORK = "Conditions de travail"
DESK = "Mon accueil"

# Later domains append their entries.
NAVIGATION = [
    ("agent", "site.agent_home", "Tableau de bord"),
    ("agent", "training.catalog", "Catalogue des formations", TRAINING),
    ("agent", "training.paths", "Parcours de formation", TRAINING),
    ("agent", "observation.index", "Observer un agent (tuteur)", TRAINING),
    ("agent", "trainer.index", "Kit du formateur (tuteur)", TRAINING),
    ("hr", "site.hr_home", "Accueil RH"),
    ("hr", "hr.agents", "Agents de ma structure", AGENTS),
    ("hr", "hr_training.team", "Suivi des formations", AGENTS),
    ("hr", "observation.index", "Observations en situation", AGENTS),
    ("hr", "observation.tutors", "Tuteurs", AGENTS),
    ("hr", "trainer.index", "Kit du formateur", AGENTS),
    ("hr", "backoffice_hr.requests_list", "Demandes d'appui des agents", AGENTS),
    ("agent", "passport.index", "Mon passeport", PASSPORT),
    ("hr", "hr_passport.queue", "Lignes de passeport à valider", PASSPORTS),
    ("agent", "passport_docs.mobility", "Mobilité", PASSPORT),
    ("agent", "passport_docs.vae_index", "VAE", PASSPORT),
    ("hr", "hr_vae.candidacies", "Jurys VAE", PASSPORTS),
    ("agent", "reports.mine", "Mes remontées", ONLINE),
    ("agent", "consultations.agent_list", "Consultations", ONLINE),
    ("agent", "backoffice.mine", "Appui expert"),
    ("expert", "backoffice.board", "Demandes d'appui"),
    ("expert", "backoffice.fiche_list", "Fiches réflexes"),
    ("expert", "backoffice.statistics", "Statistiques"),
    ("agent", "reception.my_visits", "Registre d'accueil", DESK),
    ("hr", "reception_hr.index", "Accueil et avis"),
    ("hr", "reception_quality.index", "Qualité de l'accueil"),
    ("manager_network", "reception_quality.index", "Qualité de l'accueil"),
    ("triager", "site.triager_home", "Accueil équipe"),
    ("triager", "triage.board", "Tableau des remontées", REPORTS),
    ("triager", "triage.statistics", "Statistiques", REPORTS),
    ("triager", "consultations.team_list", "Consultations", REPORTS),
    ("triager", "team_settings.index", "Réglages de l'équipe"),
    ("admin", "site.admin_home", "Administration"),
    ("admin", "admin.users", "Utilisateurs", ACCOUNTS),
    ("admin", "admin.organisations", "Structures", ACCOUNTS),
    ("admin", "admin.teams", "Équipes logicielles", ACCOUNTS),
    ("admin", "admin.audit_log", "Journal d'audit", ACCOUNTS),
    ("admin", "triage.board", "Tableau des remontées"),
    ("admin", "backoffice_admin.group_list", "Pôles d'appui", SUPPORT),
    ("admin", "backoffice.statistics", "Statistiques de l'appui expert", SUPPORT),
    ("admin", "reception_quality.index", "Qualité de l'accueil"),
    ("agent", "workplace_incidents.index", "Signalements d'incidents", DESK),
    ("agent", "workplace_barometer.index", "Baromètre", DESK),
    ("hr", "workplace_incidents.index", "Signalements d'incidents", WORK),
    ("hr", "workplace_site.index", "Poste et lieu d'accueil", WORK),
    ("hr", "workplace_barometer.index", "Baromètre", WORK),
    ("hr", "workplace_dialogue.indicators_page", "Indicateurs et dossier", WORK),
    ("admin", "workplace_dialogue.indicators_page", "Indicateurs et dossier", WORK),
    ("admin", "workplace_barometer.index", "Baromètre", WORK),
    ("admin", "workplace_dialogue.mandates", "Représentants du personnel", WORK),
]

# Reference pages, for every logged-in role, in one sub-menu.
SHARED = [
    ("referential.reference", "Référentiel de compétences", REFERENCE),
    ("referential.profiles", "Filière des métiers", REFERENCE),
    ("referential.certifications", "Certifications", REFERENCE),
]


# Links shown only to the users holding a capability (an agent made tutor by HR): endpoint -> test.
CAPABILITY_LINKS = {"observation.index": ("agent", "tutor"), "trainer.index": ("agent", "tutor")}


def _capabilities(user, links):
    """The capabilities the user's links ask about: those the loader read with the user, else one query each."""
    wanted = _wanted(user.role, links)
    if not wanted:
        return frozenset()
    known = getattr(user, "capabilities", None)  # read with the user by the loader (app.accounts.loader)
    if known is not None:
        return wanted & known
    held = set()
    if "tutor" in wanted:
        from app.training.observations import is_tutor

        if is_tutor(user):
            held.add("tutor")
    return frozenset(held)


_WANTED = {}


def _wanted(role, links):
    """The capabilities a role's links depend on (computed once per role)."""
    wanted = _WANTED.get(role)
    if wanted is None:
        wanted = _WANTED[role] = frozenset(CAPABILITY_LINKS[endpoint][1] for endpoint, *_rest in links
                                           if CAPABILITY_LINKS.get(endpoint, (None,))[0] == role)
    return wanted


# (role, script root) -> ((endpoint, url, label, group), ...): the links never change while the app runs.
_LINKS = {}


def _links(role):
    key = (role, request.script_root)
    links = _LINKS.get(key)
    if links is None:
        entries = [(e[1], e[2], e[3] if len(e) > 3 else None) for e in NAVIGATION if e[0] == role] + SHARED
        links = _LINKS[key] = tuple(
            (endpoint, url_for(endpoint), label, group) for endpoint, label, group in entries
        )
    return links


# (role, script root, current endpoint, capabilities held) -> the header's items, built once: they depend on
# nothing else. The template only reads them.
_ITEMS = {}


def main_navigation(user):
    """[{"label", "url", "active"} or {"label", "id", "active", "links": [...]}] for the header."""
    links = _links(user.role)
    held = _capabilities(user, links)
    key = (user.role, request.script_root, request.endpoint, held)
    items = _ITEMS.get(key)
    if items is None:
        items = _ITEMS[key] = NavigationItems(_items(user.role, links, held, request.endpoint), key)
    return items


class NavigationItems(list):
    """The header's items, with the key they were built for: the layout caches the menu's markup under it."""

    def __init__(self, items, key):
        super().__init__(items)
        self.cache_key = ("main-navigation", *key)


def _items(role, links, held, current):
    items, groups = [], {}
    for endpoint, url, label, group in links:
        needs = CAPABILITY_LINKS.get(endpoint)
        if needs is not None and needs[0] == role and needs[1] not in held:
            continue
        link = {"url": url, "label": label, "active": current == endpoint}
        if group is None:
            items.append(link)
            continue
        menu = groups.get(group)
        if menu is None:
            menu = groups[group] = {"label": group, "id": f"menu-{len(groups) + 1}", "active": False, "links": []}
            items.append(menu)
        menu["links"].append(link)
        menu["active"] = menu["active"] or link["active"]
    return items
