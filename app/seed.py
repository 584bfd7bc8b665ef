"""Demo data, idempotent: running it twice leaves the same rows."""
from app.accounts.models import Organisation, Role, Team, User, find_user_by_email
from app.accounts.passwords import hash_password, verify_password
from app.accounts.services import open_membership
from app.extensions import db

# Documented demo-only password; seeding is refused in production.
DEMO_PASSWORD = "passerelle-demo"  # noqa: S105  # nosec B105

DEMO_ORGS = [
    ("FS-DEMO", "France services de démonstration", "france_services", "69"),
    ("CAF-DEMO", "CAF de démonstration", "caf", "69"),
    ("CNAF-DEMO", "CNAF de démonstration (national)", "caf", "75"),
]
# Fictitious SIRET of FS-DEMO: a ProConnect sign-in carrying it creates an agent of FS-DEMO.
DEMO_SIRETS = {"FS-DEMO": "12345678900007"}
DEMO_TEAMS = [
    ("TEAM-CAF", "Équipe caf.fr (démonstration)"),
    ("TEAM-ANTS", "Équipe France Titres (démonstration)"),
]
DEMO_USERS = [
    ("admin@passerelle.example", "Alice Administratrice", Role.ADMIN, None, None),
    ("agent.fs@passerelle.example", "Amina Agent", Role.AGENT, "FS-DEMO", None),
    ("agent.caf@passerelle.example", "Bruno Agent", Role.AGENT, "CAF-DEMO", None),
    ("rh.fs@passerelle.example", "Rachid RH", Role.HR, "FS-DEMO", None),
    # An agent of FS-DEMO with the staff_rep capability (granted by app.workplace.seed).
    ("rep.fs@passerelle.example", "Romane Représentante", Role.AGENT, "FS-DEMO", None),
    # An agent of FS-DEMO with the tutor capability (granted by rh.fs in app.training.seed).
    ("tuteur.fs@passerelle.example", "Théo Tuteur", Role.AGENT, "FS-DEMO", None),
    ("rh.caf@passerelle.example", "Claire RH", Role.HR, "CAF-DEMO", None),
    ("dev.caf@passerelle.example", "Denis Développeur", Role.TRIAGER, None, "TEAM-CAF"),
    ("dev.ants@passerelle.example", "Eva Développeuse", Role.TRIAGER, None, "TEAM-ANTS"),
    ("expert.caf@passerelle.example", "Fanny Experte", Role.EXPERT, "CAF-DEMO", None),
    ("expert.national@passerelle.example", "Gaël Expert", Role.EXPERT, "CNAF-DEMO", None),
    ("reseau.69@passerelle.example", "Nadia Animatrice réseau", Role.MANAGER_NETWORK, None, None),
]


def _get_or_create(model, code, **values):
    obj = db.session.scalar(db.select(model).where(model.code == code))
    if obj is None:
        obj = model(code=code, **values)
        db.session.add(obj)
        db.session.flush()
    return obj


def seed_demo():
    """Create the demo organisations, teams and accounts; returns [(email, role)]."""
    orgs = {
        code: _get_or_create(Organisation, code, name=name, kind=kind, department=dep)
        for code, name, kind, dep in DEMO_ORGS
    }
    for code, siret in DEMO_SIRETS.items():
        if orgs[code].siret is None:
            orgs[code].siret = siret
    teams = {code: _get_or_create(Team, code, name=name) for code, name in DEMO_TEAMS}
    for email, name, role, org_code, team_code in DEMO_USERS:
        user = find_user_by_email(email)
        if user is None:
            user = User(
                email=email,
                full_name=name,
                role=role,
                organisation=orgs.get(org_code),
                team=teams.get(team_code),
                password_hash=hash_password(DEMO_PASSWORD),
            )
            db.session.add(user)
            db.session.flush()
            if user.organisation is not None:
                open_membership(user, user.organisation)
        elif not verify_password(user.password_hash, DEMO_PASSWORD):
            user.password_hash = hash_password(DEMO_PASSWORD)
    db.session.commit()
    from app.training.seed import seed_training_demo

    seed_training_demo()
    from app.passports.seed import seed_passport_demo

    seed_passport_demo()
    from app.training.seed import seed_observation_demo

    seed_observation_demo()
    from app.reports.seed import seed_reports

    seed_reports()
    from app.backoffice.seed import seed_backoffice

    seed_backoffice()
    from app.reception.seed import seed_reception_demo

    seed_reception_demo()
    from app.consultations.seed import seed_consultations

    seed_consultations()
    from app.workplace.seed import seed_workplace_demo

    seed_workplace_demo()
    return [(email, role.value) for email, _n, role, _o, _t in DEMO_USERS]
