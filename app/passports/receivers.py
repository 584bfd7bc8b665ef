"""Entries other domains cause: a completed module adds `training` entries; consultations and reports offer
contributions (none of them imports passports)."""
import calendar
from datetime import date

from flask import current_app

from app.accounts.models import Role, User
from app.audit.services import audit
from app.backoffice.signals import observation_proposed
from app.common.timezones import timezone_for_department, utcnow
from app.common.urls import local_path
from app.consultations.signals import participation_completed
from app.extensions import db
from app.notifications.services import notify
from app.passports import contributions, reference
from app.passports.models import ContributionKind, EntrySource, EntryStatus, EvidenceLog, PassportEntry
from app.reports.signals import report_fix_verified, report_qualified
from app.training.observation_models import ObserverRole
from app.training.signals import curricula_imported, module_completed, observation_recorded


def add_months(day, months):
    """The same day `months` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def completion_day(completion):
    """The completion date in Paris time (a module completed late at night counts that day)."""
    return completion.completed_at.astimezone(timezone_for_department(None)).date()


def add_training_entries(user, version, completion):
    """One validated `training` entry per competency the module version develops, at its level."""
    already = db.session.scalar(
        db.select(PassportEntry.id).where(
            PassportEntry.holder_id == user.id, PassportEntry.module_version_id == version.id,
            PassportEntry.source == EntrySource.TRAINING,
        ).limit(1)
    )
    if already is not None:
        return []
    valid_until = add_months(completion_day(completion), version.validity_months) if version.validity_months else None
    entries = []
    for item in version.competencies:
        entry = PassportEntry(
            holder_id=user.id, competency_id=item.competency_id, level=item.level,
            source=EntrySource.TRAINING.value, status=EntryStatus.VALIDATED.value, module_version_id=version.id,
            validated_by_org_id=completion.organisation_id, validated_at=completion.completed_at,
            valid_until=valid_until,
        )
        db.session.add(entry)
        entries.append(entry)
    db.session.flush()
    for entry in entries:
        db.session.add(EvidenceLog(entry_id=entry.id, actor_id=user.id, action="training_completed",
                                   note=f"{version.title} (version {version.number})"))
    audit(user, "passport.training_entries", completion, {"module_version": version.id, "entries": len(entries)})
    db.session.commit()
    return entries


def _on_module_completed(sender, user, module, version, completion, **_kwargs):
    try:
        add_training_entries(user, version, completion)
    except Exception:  # noqa: BLE001 - the completion is committed; a passport failure must not undo the page
        db.session.rollback()
        current_app.logger.exception("passport: training entries not added for completion %s", completion.id)


def _on_observation_proposed(sender, agent, expert, competency_code, level, note, reference, **_kwargs):
    """An expert's debrief observation becomes a declared entry submitted to the agent's HR."""
    from app.passports.services import declare_entry, submit_entry

    try:
        entry = declare_entry(agent, competency_code, level,
                              f"Observé par {expert.full_name} (appui expert, {reference}) : {note}"[:4000])
        submit_entry(agent, entry)
    except Exception:  # noqa: BLE001 - the debrief is committed; a passport failure must not undo it
        db.session.rollback()
        current_app.logger.exception("passport: debrief observation not added for %s", reference)


def add_observation_entry(observation):
    """A grid filled by HR is a validated entry; by a tutor, an entry submitted to the agent's HR."""
    already = db.session.scalar(db.select(PassportEntry.id).where(PassportEntry.observation_id == observation.id))
    if already is not None:
        return None
    agent, observer, competency = observation.agent, observation.observer, observation.competency
    by_hr = observation.observer_role == ObserverRole.HR.value
    now = utcnow()
    description = (f"Observation ({observation.context_label.lower()}) le {observation.observed_on:%d/%m/%Y} "
                   f"par {observer.full_name if observer else 'un observateur'} "
                   f"({observation.observer_role_label.lower()}) avec la grille du référentiel : "
                   f"niveau {observation.level} atteint.")
    entry = PassportEntry(
        holder_id=agent.id, competency_id=observation.competency_id, level=observation.level,
        source=EntrySource.OBSERVATION.value,
        status=(EntryStatus.VALIDATED if by_hr else EntryStatus.SUBMITTED).value,
        description=description, recorded_by_id=observation.observer_id, observation_id=observation.id,
        submitted_to_org_id=observation.organisation_id, submitted_at=now,
    )
    if by_hr:
        entry.validated_by_id, entry.validated_by_org_id, entry.validated_at = (
            observation.observer_id, observation.organisation_id, now)
    db.session.add(entry)
    db.session.flush()
    db.session.add(EvidenceLog(entry_id=entry.id, actor_id=observation.observer_id, action="observed",
                               note=f"Grille d'observation n° {observation.id}"))
    audit(observer, "passport.observation_entry", entry, {"observation": observation.id, "holder": agent.id})
    title = f"{competency.code} — {competency.title} (niveau {observation.level})"
    notify(agent, "passport.observation", f"Une observation en situation a été ajoutée à votre passeport : {title}.",
           local_path("passport.entry_detail", entry_id=entry.id))
    if not by_hr:
        hrs = db.session.scalars(db.select(User).where(User.organisation_id == observation.organisation_id,
                                                       User.role == Role.HR, User.active.is_(True))).all()
        for hr in hrs:
            notify(hr, "passport.submitted", f"Observation de {agent.full_name} par un tuteur, à valider : {title}.",
                   local_path("hr_passport.entry", entry_id=entry.id))
    db.session.commit()
    return entry


def _on_observation_recorded(sender, observation, **_kwargs):
    try:
        add_observation_entry(observation)
    except Exception:  # noqa: BLE001 - the observation is committed; a passport failure must not undo the page
        db.session.rollback()
        current_app.logger.exception("passport: observation %s not added", observation.id)


def _offer(holder, kind, key, reference, label, occurred_at=None):
    """Record a verified contribution; a failure is logged, never raised into the page that caused it."""
    try:
        if holder is not None and holder.role == "agent" and contributions.record_offer(
                holder, kind, key, reference, label, occurred_at) is not None:
            db.session.commit()
    except Exception:  # noqa: BLE001 - the contribution is committed; the passport must not undo it
        db.session.rollback()
        current_app.logger.exception("passport: contribution %s:%s not offered", kind, key)


def _on_participation_completed(sender, user, consultation, participation, **_kwargs):
    _offer(user, ContributionKind.CONSULTATION, consultation.id, f"Consultation n° {consultation.id}",
           f"{consultation.title} ({consultation.application.name})", consultation.closed_at)


def _on_report_qualified(sender, report, **_kwargs):
    _offer(report.author, ContributionKind.REPORT_QUALIFIED, report.id, report.reference, report.title)


def _on_report_fix_verified(sender, report, **_kwargs):
    _offer(report.author, ContributionKind.FIX_VERIFIED, report.id, report.reference, report.title)


def connect_receivers():
    """Connect the passport's signal receivers (idempotent: blinker keeps one connection per receiver)."""
    module_completed.connect(_on_module_completed)
    observation_recorded.connect(_on_observation_recorded)
    observation_proposed.connect(_on_observation_proposed)
    participation_completed.connect(_on_participation_completed)
    report_qualified.connect(_on_report_qualified)
    report_fix_verified.connect(_on_report_fix_verified)
    curricula_imported.connect(reference.invalidate)
    register_lrs_statements()


def _achieved_statement(entry):
    """A validated passport entry, for the LRS: the agent « achieved » the competency at this level."""
    if entry.id is None or entry.status != EntryStatus.VALIDATED.value or entry.validated_at is None:
        return None
    from app.training.lrs.builders import simple_statement
    from app.training.lrs.queue import statement_id

    competency = entry.competency
    base = current_app.config["BASE_URL"].rstrip("/")
    activity = {
        "objectType": "Activity",
        "id": f"{base}/referentiel#{competency.code}-niveau-{entry.level}",
        "definition": {"type": "http://adlnet.gov/expapi/activities/objective",
                       "name": {"fr-FR": f"{competency.code} {competency.title} (niveau {entry.level})"}},
    }
    return simple_statement(statement_id("passport-validation", entry.id, entry.level), entry.holder_id, "achieved",
                            activity, entry.validated_at, result={"success": True, "completion": True})


def register_lrs_statements():
    """Passport validations go to the LRS queue with the training statements."""
    from app.training.lrs.queue import register_statement_builder

    register_statement_builder(PassportEntry, _achieved_statement)
