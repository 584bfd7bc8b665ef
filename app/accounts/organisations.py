"""Organisations (structures) and software teams: creation and renaming, audited."""
from app.accounts.models import Organisation, OrgKind, Team
from app.accounts.services import AccountError
from app.accounts.signals import organisation_department_changed
from app.audit.services import audit
from app.extensions import db


def _checked_siret(siret, org=None):
    """The SIRET without spaces (None when blank); refused unless 14 digits and unused."""
    siret = "".join((siret or "").split()) or None
    if siret is None:
        return None
    if len(siret) != 14 or not siret.isdigit():
        raise AccountError("Le SIRET doit comporter 14 chiffres.")
    other = db.session.scalar(db.select(Organisation).where(Organisation.siret == siret))
    if other is not None and other is not org:
        raise AccountError(f"Le SIRET {siret} est déjà celui de la structure {other.code}.")
    return siret


def create_organisation(actor, code, name, kind, department=None, is_public=True, siret=None):
    """Create an organisation (structure)."""
    code = code.strip().upper()
    if kind not in OrgKind.values():
        raise AccountError(f"Type de structure inconnu : {kind}.")
    if db.session.scalar(db.select(Organisation.id).where(Organisation.code == code)):
        raise AccountError(f"Le code {code} est déjà utilisé.")
    org = Organisation(
        code=code,
        name=name.strip(),
        kind=kind,
        department=(department or "").strip().upper() or None,
        is_public=is_public,
        siret=_checked_siret(siret),
    )
    db.session.add(org)
    db.session.flush()
    audit(actor, "organisation.create", org, {"code": code})
    db.session.commit()
    return org


def update_organisation(actor, org, name, kind, department=None, is_public=True, siret=None):
    """Change an organisation's name, kind, département, sector or SIRET."""
    if kind not in OrgKind.values():
        raise AccountError(f"Type de structure inconnu : {kind}.")
    org.siret = _checked_siret(siret, org)
    org.name = name.strip()
    org.kind = kind
    moved_from, org.department = org.department, (department or "").strip().upper() or None
    org.is_public = is_public
    if moved_from != org.department:
        organisation_department_changed.send(None, organisation=org, old=moved_from, new=org.department)
    audit(actor, "organisation.update", org)
    db.session.commit()
    return org


def create_team(actor, code, name):
    """Create a software team."""
    code = code.strip().upper()
    if db.session.scalar(db.select(Team.id).where(Team.code == code)):
        raise AccountError(f"Le code {code} est déjà utilisé.")
    team = Team(code=code, name=name.strip())
    db.session.add(team)
    db.session.flush()
    audit(actor, "team.create", team, {"code": code})
    db.session.commit()
    return team


def update_team(actor, team, name):
    team.name = name.strip()
    audit(actor, "team.update", team)
    db.session.commit()
    return team
