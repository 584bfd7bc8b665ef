"""Entries other domains cause: a completed module adds `training` entries (training never imports passports)."""
import calendar
from datetime import date

from flask import current_app

from app.audit.services import audit
from app.backoffice.signals import observation_proposed
from app.common.timezones import timezone_for_department
from app.extensions import db
from app.passports import reference
from app.passports.models import EntrySource, EntryStatus, EvidenceLog, PassportEntry
from app.training.signals import curricula_imported, module_completed


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


def connect_receivers():
    """Connect the passport's signal receivers (idempotent: blinker keeps one connection per receiver)."""
    module_completed.connect(_on_module_completed)
    observation_proposed.connect(_on_observation_proposed)
    curricula_imported.connect(reference.invalidate)
