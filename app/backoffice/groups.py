"""Expert groups (« pôles d'appui »): creation, members with history, and routing of requests."""
import re

from app.accounts.models import Role, User, find_user_by_email
from app.audit.services import audit
from app.backoffice.enums import Operator
from app.backoffice.models import GroupMember, SupportGroup
from app.common.refcache import forget
from app.common.timezones import utcnow
from app.extensions import db

CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,39}$")
DEPARTMENT = re.compile(r"^(?:\d{2}|2[AB]|97[1-6])$")
# The active groups as the request page's reroute and invite choices list them, kept by each process for
# REFERENCE_CACHE_SECONDS (app.backoffice.queries.read_request_page); dropped here when a group changes.
ACTIVE_GROUPS_KEY = "backoffice.active_groups"


class GroupError(ValueError):
    """A refused group operation (French message)."""


def parse_departments(value):
    """"69, 01" -> ["69", "01"]; GroupError naming the first invalid code."""
    codes = [c.strip().upper() for c in (value or "").replace(";", ",").split(",") if c.strip()]
    for code in codes:
        if not DEPARTMENT.match(code):
            raise GroupError(f"Département invalide : « {code} » (ex. 69, 2A, 974).")
    return list(dict.fromkeys(codes))


def group_by_code(code):
    return db.session.scalar(db.select(SupportGroup).where(SupportGroup.code == (code or "").strip().upper()))


def _clean(name, departments, national, target_days):
    """The checked name, département codes, national flag and target of a group (GroupError else)."""
    if not (name or "").strip():
        raise GroupError("Indiquez le nom du pôle d'appui.")
    if len(name.strip()) > 200:
        raise GroupError("Le nom ne doit pas dépasser 200 caractères.")
    departments = list(departments)
    if national and departments:
        raise GroupError("Un pôle national ne liste pas de départements.")
    if not national and not departments:
        raise GroupError("Indiquez les départements couverts, ou un pôle national.")
    try:
        target_days = int(target_days)
    except (TypeError, ValueError):
        target_days = 0
    if not 1 <= target_days <= 30:
        raise GroupError("Le délai de première réponse doit être compris entre 1 et 30 jours ouvrés.")
    return name.strip(), departments, bool(national), target_days


def create_group(actor, code, name, operator, departments=(), national=False, public_note="",
                 mailbox=None, target_days=3, procedures=()):
    """Create a group for an operator, covering départements or the whole country, optionally themed
    (procedures of the online-services catalogue)."""
    code = (code or "").strip().upper()
    if not CODE.match(code):
        raise GroupError("Le code doit faire 2 à 40 caractères : lettres majuscules, chiffres, - ou _.")
    if group_by_code(code) is not None:
        raise GroupError(f"Un pôle d'appui existe déjà avec le code {code}.")
    if operator not in Operator.values():
        raise GroupError(f"Opérateur inconnu : {operator} (choix : {', '.join(Operator.values())}).")
    name, departments, national, target_days = _clean(name, departments, national, target_days)
    group = SupportGroup(code=code, name=name, operator=operator, is_national=national,
                         departments=",".join(departments), public_note=(public_note or "").strip(),
                         mailbox=(mailbox or "").strip() or None, target_days=target_days)
    group.procedures = list(procedures)
    db.session.add(group)
    db.session.flush()
    audit(actor, "support.group_create", group, {"code": code, "themes": [p.id for p in group.procedures]})
    db.session.commit()
    forget(ACTIVE_GROUPS_KEY)
    return group


def update_group(actor, group, name, departments=(), national=False, public_note="", mailbox=None,
                 target_days=3, procedures=()):
    """Rename a group, change its level (départements or national), note, mailbox, target and themes.

    The code and the operator stay (requests, invitations and statistics refer to them). Requests
    already routed keep their group; the new coverage and themes route the next ones.
    """
    name, departments, national, target_days = _clean(name, departments, national, target_days)
    before = {"name": group.name, "coverage": group.coverage_label, "themes": sorted(p.id for p in group.procedures)}
    group.name, group.is_national, group.departments = name, national, ",".join(departments)
    group.public_note = (public_note or "").strip()
    group.mailbox = (mailbox or "").strip() or None
    group.target_days = target_days
    group.procedures = list(dict.fromkeys(procedures))
    after = {"name": group.name, "coverage": group.coverage_label, "themes": sorted(p.id for p in group.procedures)}
    audit(actor, "support.group_update", group, {"code": group.code, "before": before, "after": after})
    db.session.commit()
    forget(ACTIVE_GROUPS_KEY)
    return group


def set_themes(actor, group, procedures):
    """Only change a group's themes (an empty list: the group takes every procedure)."""
    return update_group(actor, group, group.name, group.department_list, group.is_national, group.public_note,
                        group.mailbox, group.target_days, procedures)


def find_procedures(keys):
    """Catalogue procedures from "application-code/procedure-code" keys (or ids); GroupError naming the
    first unknown one."""
    from app.reports.catalog_models import Application, Procedure

    found = []
    for key in keys:
        key = (key or "").strip()
        if not key:
            continue
        query = db.select(Procedure).join(Application, Procedure.application_id == Application.id)
        if key.isdigit() and len(key) < 10:
            query = query.where(Procedure.id == int(key))
        elif "/" in key:
            application, code = key.split("/", 1)
            query = query.where(Application.code == application.strip(), Procedure.code == code.strip())
        else:
            raise GroupError(f"Démarche « {key} » : écrivez code-du-service/code-de-la-démarche (ex. caf-fr/creer-compte).")
        procedure = db.session.scalar(query.where(Procedure.is_active.is_(True)))
        if procedure is None:
            raise GroupError(f"Démarche inconnue ou inactive dans le catalogue : « {key} ».")
        found.append(procedure)
    return list(dict.fromkeys(found))


def procedure_key(procedure):
    return f"{procedure.application.code}/{procedure.code}"


def add_member(actor, group, email):
    """Make an expert (role expert, organisation of the group's operator kind) a member."""
    user = find_user_by_email(email or "")
    if user is None:
        raise GroupError(f"Aucun compte pour l'adresse {email}.")
    if user.role != Role.EXPERT:
        raise GroupError("Seul un compte « expert back office » peut rejoindre un pôle d'appui.")
    if user.organisation is None or user.organisation.kind != group.operator:
        raise GroupError(f"L'expert doit appartenir à une structure de l'opérateur {Operator(group.operator).label}.")
    if _open_membership(group, user) is not None:
        raise GroupError(f"{user.full_name} est déjà membre du pôle {group.code}.")
    db.session.add(GroupMember(group_id=group.id, user_id=user.id, started_at=utcnow()))
    audit(actor, "support.group_member_add", group, {"user_id": user.id})
    db.session.commit()
    return user


def remove_member(actor, group, user):
    """End a membership (the history is kept)."""
    membership = _open_membership(group, user)
    if membership is None:
        raise GroupError("Cette personne n'est pas membre du pôle.")
    membership.ended_at = utcnow()
    audit(actor, "support.group_member_remove", group, {"user_id": user.id})
    db.session.commit()


def _open_membership(group, user):
    return db.session.scalar(db.select(GroupMember).where(
        GroupMember.group_id == group.id, GroupMember.user_id == user.id, GroupMember.ended_at.is_(None)))


def group_ids_select(user_id):
    """The ids of the groups a user belongs to now, as a subquery; `user_id` a value or a bind parameter (for
    the statements built once)."""
    return db.select(GroupMember.group_id).where(GroupMember.user_id == user_id, GroupMember.ended_at.is_(None))


def my_group_ids_select(user):
    """The ids of the groups the user belongs to now, as a subquery."""
    return group_ids_select(user.id)


def my_group_ids(user):
    if user.role != Role.EXPERT:
        return set()
    return set(db.session.scalars(my_group_ids_select(user)))


def my_groups(user):
    return db.session.scalars(db.select(SupportGroup).where(SupportGroup.id.in_(my_group_ids_select(user)))
                              .order_by(SupportGroup.code)).all()


def members(group):
    """The current members of a group."""
    return db.session.scalars(
        db.select(User).join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == group.id, GroupMember.ended_at.is_(None), User.active.is_(True))
        .order_by(User.full_name)).all()


def active_groups(operator=None):
    query = db.select(SupportGroup).where(SupportGroup.is_active.is_(True))
    if operator:
        query = query.where(SupportGroup.operator == operator)
    return db.session.scalars(query.order_by(SupportGroup.operator, SupportGroup.code)).all()


def _pick(candidates, procedure_id):
    """The group of the procedure's theme among candidates, else a group without themes, else None."""
    themed = [g for g in candidates if procedure_id and procedure_id in {p.id for p in g.procedures}]
    generic = [g for g in candidates if not g.procedures]
    return (themed or generic or [None])[0]


def national_group(operator, procedure_id=None):
    """The operator's national group for the procedure's theme, else its national group without themes,
    else any national group of the operator."""
    national = [g for g in active_groups(operator) if g.is_national]
    return _pick(national, procedure_id) or next(iter(national), None)


def route(operator, department, procedure_id=None):
    """(group, message): the operator's group for the département and the procedure's theme, else its
    local group without themes, else its national group (themed first), else a local group of other
    themes. The message says plainly what was found, or that no group exists (group None).

    Groups split by theme list procedures of the online-services catalogue; a group without themes
    takes every procedure.
    """
    groups = active_groups(operator)
    local = [g for g in groups if not g.is_national and (department or "") in g.department_list]
    national = [g for g in groups if g.is_national]
    label = Operator(operator).label if operator in Operator.values() else operator
    group = _pick(local, procedure_id)
    if group is not None:
        return group, (f"Votre demande ira au pôle « {group.name} » ({group.code} : {label}, "
                       f"département {department}{_theme(group, procedure_id)}).")
    group = _pick(national, procedure_id)
    if group is not None:
        missing = "ne traite cette démarche dans" if local else "ne couvre"
        return group, (f"Aucun pôle {label} {missing} le département {department or 'inconnu'} : "
                       f"votre demande ira au pôle national « {group.name} » ({group.code}"
                       f"{_theme(group, procedure_id)}).")
    group = next(iter(local + national), None)
    if group is not None:
        return group, (f"Aucun pôle {label} n'est prévu pour cette démarche : votre demande ira au pôle "
                       f"« {group.name} » ({group.code}), qui pourra la réorienter.")
    return None, f"Aucun pôle d'appui {label} n'existe encore, ni local ni national : la demande ne peut pas être envoyée."


def _theme(group, procedure_id):
    match = next((p for p in group.procedures if p.id == procedure_id), None)
    return f", pôle thématique « {match.title} »" if match else ""
