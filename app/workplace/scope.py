"""Who reads which aggregates: HR their organisation, staff_rep their mandate, admin everything."""
from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import false, true
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation, Role
from app.extensions import db
from app.workplace.models import StaffRepMandate


@dataclass(frozen=True)
class Scope:
    """organisation, département or national: the fixed groupings of every aggregate."""

    level: str  # "organisation" | "department" | "national"
    key: str  # "org-12" | "dep-69" | "national"
    label: str
    organisation_id: int | None = None
    department: str | None = None

    def condition(self, org_column, department_column=None):
        """SQL condition on an organisation id column (or a département column when the row has one)."""
        if self.level == "organisation":
            return org_column == self.organisation_id
        if self.level == "department":
            if department_column is not None:
                return department_column == self.department
            return org_column.in_(db.select(Organisation.id).where(Organisation.department == self.department))
        return true()

    def org_ids(self):
        if self.level == "organisation":
            return [self.organisation_id]
        return list(db.session.scalars(db.select(Organisation.id).where(self.condition(Organisation.id))))


NATIONAL = Scope("national", "national", "National")


def param_condition(level, org_column):
    """Scope.condition for any scope of `level`, its values bound when the statement runs (:wc_org_id,
    :wc_department, see param_values): a statement built once serves every scope of that level."""
    if level == "organisation":
        return org_column == db.bindparam("wc_org_id", type_=db.Integer)
    if level == "department":
        return org_column.in_(db.select(Organisation.id).where(
            Organisation.department == db.bindparam("wc_department", type_=db.String)))
    return true()


def param_values(scope):
    """The bind parameters of param_condition for `scope`."""
    return {"wc_org_id": scope.organisation_id, "wc_department": scope.department}


def organisation_scope(organisation):
    return Scope("organisation", f"org-{organisation.id}", organisation.name, organisation_id=organisation.id,
                 department=organisation.department)


def department_scope(department):
    return Scope("department", f"dep-{department}", f"Département {department}", department=department)


def mandates(user):
    """The user's staff_rep mandates, read once per request (the access check, the scope and the page's
    list of scopes all ask)."""
    if user.role != Role.AGENT:
        return []
    cache = g.setdefault("workplace_mandates", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = list(db.session.scalars(
            db.select(StaffRepMandate).options(selectinload(StaffRepMandate.organisation))
            .where(StaffRepMandate.user_id == user.id).order_by(StaffRepMandate.id)))
    return cache[user.id]


def is_staff_rep(user):
    return bool(mandates(user))


def can_read_aggregates(user):
    return user.role in (Role.HR, Role.ADMIN) or is_staff_rep(user)


def scopes_for(user):
    """The groupings `user` may read, first one by default."""
    if user.role == Role.HR and user.organisation is not None:
        return [organisation_scope(user.organisation)]
    if user.role == Role.ADMIN:
        return [NATIONAL]
    found = []
    for mandate in mandates(user):
        if mandate.organisation is not None:
            found.append(organisation_scope(mandate.organisation))
        elif mandate.department:
            found.append(department_scope(mandate.department))
    return found


def resolve(user, key):
    """The scope named by `key` if `user` may read it, else None (the view answers 404)."""
    allowed = scopes_for(user)
    if not key:
        return allowed[0] if allowed else None
    for scope in allowed:
        if scope.key == key:
            return scope
    if user.role == Role.ADMIN:
        return _admin_scope(key)
    if key.startswith("org-"):  # a département mandate covers its organisations
        org = _organisation(key)
        if org is not None and any(s.level == "department" and s.department == org.department for s in allowed):
            return organisation_scope(org)
    return None


def _organisation(key):
    ident = key[4:]
    return db.session.get(Organisation, int(ident)) if ident.isdigit() else None


def _admin_scope(key):
    if key.startswith("org-"):
        org = _organisation(key)
        return organisation_scope(org) if org else None
    if key.startswith("dep-") and 1 <= len(key) - 4 <= 3:
        return department_scope(key[4:])
    return None


def covers_organisation(user, organisation):
    """Whether `user` may read the discussion space of `organisation` (agents of it included)."""
    if user.role == Role.ADMIN:
        return True
    if user.organisation_id == organisation.id and user.role in (Role.HR, Role.AGENT):
        return True
    return any(m.organisation_id == organisation.id or (m.organisation_id is None and m.department
               and m.department == organisation.department) for m in mandates(user))


def no_rows():
    return false()
