"""The conversation and lifecycle of a request: take, answer, internal note, reroute, invite,
transfer, close with usefulness, reopen by a new message. The agent stays owner throughout."""
from app.accounts.models import Role, User
from app.audit.services import audit
from app.backoffice import notify
from app.backoffice.enums import MessageKind, Status, Usefulness
from app.backoffice.groups import members
from app.backoffice.models import SupportGroup, SupportInvitation
from app.backoffice.requests import RequestError, add_message, event, refusals_roll_back
from app.backoffice.workflow import WorkflowError, check
from app.common.timezones import utcnow
from app.extensions import db

__all__ = ["WorkflowError", "take", "answer", "note", "reroute", "invite", "transfer", "close",
           "agent_message", "escalate_to"]


def _expert(actor):
    if actor.role != Role.EXPERT:
        raise RequestError("Seul un expert du pôle peut faire cela.")


def _owner(actor, request):
    if not request.is_owner(actor):
        raise RequestError("Seul l'agent qui suit la demande peut faire cela.")


@refusals_roll_back
def take(actor, request):
    """« Je m'en occupe »: the expert becomes the assignee."""
    _expert(actor)
    request.status = check(request, "take").value
    request.assignee_id = actor.id
    event(request, actor, "take", f"{actor.full_name} s'occupe de la demande")
    audit(actor, "support.take", request)
    notify.tell(request.author, request, f"Un expert s'occupe de votre demande {request.reference}.")
    db.session.commit()


@refusals_roll_back
def answer(actor, request, body):
    """An expert answers the agent (the first answer stops the first-answer clock)."""
    _expert(actor)
    target = check(request, "answer")
    add_message(request, actor, MessageKind.ANSWER.value, body)
    now = utcnow()
    request.status = target.value
    request.first_answer_at = request.first_answer_at or now
    if request.assignee_id is None:
        request.assignee_id = actor.id
    audit(actor, "support.answer", request)
    notify.tell(request.author, request, f"Un expert a répondu à votre demande {request.reference}.")
    db.session.commit()


@refusals_roll_back
def note(actor, request, body):
    """An internal note between experts (never shown nor sent to the agent)."""
    _expert(actor)
    check(request, "note")
    add_message(request, actor, MessageKind.NOTE.value, body, hidden=True)
    audit(actor, "support.note", request)
    db.session.commit()


@refusals_roll_back
def reroute(actor, request, group, message=""):
    """« Pas le bon interlocuteur »: the request goes to the suggested group (one hand-off)."""
    _expert(actor)
    if not isinstance(group, SupportGroup) or not group.is_active:
        raise RequestError("Choisissez le pôle vers lequel réorienter la demande.", "group")
    if group.id == request.group_id:
        raise RequestError("La demande est déjà adressée à ce pôle.", "group")
    request.status = check(request, "reroute").value
    request.group_id = group.id
    request.group = group
    request.assignee_id = None
    request.handoffs += 1
    if (message or "").strip():
        add_message(request, actor, MessageKind.INVITATION.value, message)
    event(request, actor, "reroute", f"Réorientée vers le pôle « {group.name} »", handoff=True)
    audit(actor, "support.reroute", request, {"group": group.code})
    notify.tell_group(group, request, f"Demande d'appui {request.reference} réorientée vers votre pôle.")
    notify.tell(request.author, request, f"Votre demande {request.reference} a été confiée au pôle « {group.name} ».")
    db.session.commit()


@refusals_roll_back
def invite(actor, request, group=None, expert=None, message="", hidden=False):
    """Invite another group or a named expert, with a message optionally hidden from the agent."""
    _expert(actor)
    check(request, "invite")
    if (group is None) == (expert is None):
        raise RequestError("Invitez un pôle ou un expert nommé.", "group")
    if group is not None and group.id in request.working_group_ids():
        raise RequestError("Ce pôle travaille déjà sur la demande.", "group")
    if expert is not None:
        if not isinstance(expert, User) or expert.role != Role.EXPERT or not expert.active:
            raise RequestError("Choisissez un compte expert actif.", "expert")
        if any(i.user_id == expert.id for i in request.invitations):
            raise RequestError("Cet expert est déjà invité.", "expert")
    _invite(request, actor, group, expert, automatic=False)
    if (message or "").strip():
        add_message(request, actor, MessageKind.INVITATION.value, message, hidden=hidden)
    audit(actor, "support.invite", request, {"group": group.code if group else None,
                                             "expert": expert.id if expert else None})
    db.session.commit()


def _invite(request, actor, group, expert, automatic):
    request.invitations.append(SupportInvitation(group_id=group.id if group else None,
                                                 user_id=expert.id if expert else None,
                                                 invited_by_id=getattr(actor, "id", None), is_automatic=automatic,
                                                 request_open=request.status != Status.CLOSED.value))
    request.handoffs += 1
    who = f"pôle « {group.name} »" if group else expert.full_name
    label = ("Escalade automatique : " if automatic else "Invitation : ") + who
    event(request, actor, "escalate" if automatic else "invite", label, handoff=True)
    text = f"Vous êtes invité(e) sur la demande d'appui {request.reference}."
    if group is not None:
        notify.tell_group(group, request, text, exclude={getattr(actor, "id", None)})
    else:
        notify.tell(expert, request, text)


def escalate_to(request, group, now):
    """The operator's national group joins a request left without an answer (no actor); the caller commits."""
    _invite(request, None, group, None, automatic=True)
    request.escalated_at = now
    audit(None, "support.escalate", request, {"group": group.code})


@refusals_roll_back
def transfer(actor, request, case_number):
    """« Transfert au niveau expert »: the expert handles the case in the operator's systems."""
    _expert(actor)
    case_number = (case_number or "").strip()
    if not case_number or len(case_number) > 60:
        raise RequestError("Indiquez le numéro de dossier de l'opérateur (60 caractères au plus).", "case_number")
    request.status = check(request, "transfer").value
    request.operator_case_number = case_number
    request.transferred_at = utcnow()
    request.assignee_id = request.assignee_id or actor.id
    event(request, actor, "transfer", f"Transférée au niveau expert (dossier {case_number}) ; vous restez référent(e)")
    audit(actor, "support.transfer", request)
    notify.tell(request.author, request, f"Votre demande {request.reference} est traitée au niveau expert.")
    db.session.commit()


@refusals_roll_back
def close(actor, request, useful):
    """The agent closes the request with « la réponse vous semble-t-elle utile pour l'usager ? »."""
    _owner(actor, request)
    if useful not in Usefulness.values():
        raise RequestError("Dites si la réponse vous semble utile pour l'usager.", "useful")
    request.status = check(request, "close").value
    request.useful = useful
    request.closed_at = utcnow()
    event(request, actor, "close", f"Clôturée par l'agent (réponse utile : {Usefulness(useful).label.lower()})")
    audit(actor, "support.close", request, {"useful": useful})
    db.session.commit()


@refusals_roll_back
def agent_message(actor, request, body):
    """The agent writes to the experts; a message on an answered or closed request reopens it."""
    _owner(actor, request)
    if request.status in (Status.ANSWERED, Status.CLOSED):
        request.status = check(request, "reopen").value
        request.closed_at = None
        request.useful = None
        event(request, actor, "reopen", "Rouverte par un nouveau message de l'agent")
    else:
        check(request, "message")
    add_message(request, actor, MessageKind.QUESTION.value, body)
    audit(actor, "support.message", request)
    text = f"Nouveau message de l'agent sur la demande {request.reference}."
    if request.assignee is not None:
        notify.tell(request.assignee, request, text)
    else:
        for user in members(request.group):
            notify.tell(user, request, text)
    db.session.commit()
