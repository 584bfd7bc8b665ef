"""The SCORM run-time data (CMI) of each attempt: stored at every commit, mapped to module completion.

scorm-again commits the whole `cmi` object as JSON (SCORM 1.2 `cmi.core.*`, SCORM 2004 `cmi.*`). We keep
it as sent, for resuming, and read from it what Passerelle tracks: completion, success, score (0-100) and
the time spent. A completed attempt that did not fail completes the module, through the same signal as a
quiz, so the passport, the HR follow-up and the attestation treat it like any other module.
"""
import json
import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from app.audit.services import audit
from app.common.timezones import utcnow
from app.extensions import db
from app.training.models import Module
from app.training.packages.manifest import SCORM_2004
from app.training.packages.models import PackageAttempt, ScormPackage
from app.training.progress import module_state
from app.training.services import record_completion
from app.training.signals import module_completed

MAX_CMI_BYTES = 256 * 1024  # SCORM 2004 suspend_data alone may hold 64 000 characters
COMPLETED_12 = {"completed", "passed"}
STATUS_LABELS = {
    "not attempted": "Non commencé", "incomplete": "En cours", "completed": "Terminé",
    "unknown": "Non renseigné", "passed": "Réussi", "failed": "Échoué", "browsed": "Parcouru",
}


class InvalidCommit(ValueError):
    """The run-time data sent is not a CMI object we can store (French message)."""


class ModuleLocked(Exception):
    """Prerequisites missing: the package may not be played yet."""


@dataclass(frozen=True)
class Tracking:
    completion_status: str
    success_status: str
    score: int | None
    session_seconds: int


def package_of(version):
    return db.session.scalar(db.select(ScormPackage).where(ScormPackage.version_id == version.id))


def attempt_of(user, version):
    return db.session.scalar(
        db.select(PackageAttempt).where(PackageAttempt.user_id == user.id, PackageAttempt.version_id == version.id)
    )


def _get(data, *path):
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _percent(score):
    """0-100 from a SCORM score object: `scaled` (2004) first, else raw within min/max (default 0-100)."""
    if not isinstance(score, dict):
        return None
    scaled = _number(score.get("scaled"))
    if scaled is not None:
        return max(0, min(100, round(scaled * 100)))
    raw = _number(score.get("raw"))
    if raw is None:
        return None
    low, high = _number(score.get("min")), _number(score.get("max"))
    low = 0 if low is None else low
    high = 100 if high is None or high <= low else high
    return max(0, min(100, round(100 * (raw - low) / (high - low))))


_ISO_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
_CMI_TIMESPAN = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(?:\.\d{1,2})?$")


def duration_seconds(value):
    """Seconds in a SCORM 2004 duration (PT1H2M3S) or a SCORM 1.2 timespan (0001:02:03.00); 0 if unreadable."""
    text = str(value or "").strip()
    match = _ISO_DURATION.match(text)
    if match and text != "P":
        days, hours, minutes, seconds = (float(g) if g else 0 for g in match.groups())
        return int(days * 86400 + hours * 3600 + minutes * 60 + seconds)
    match = _CMI_TIMESPAN.match(text)
    if match:
        hours, minutes, seconds = (int(g) for g in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    return 0


def read_tracking(scorm_version, cmi):
    """What Passerelle tracks, read from a committed cmi object of either SCORM version."""
    if scorm_version == SCORM_2004:
        completion = str(cmi.get("completion_status") or "unknown")
        success = str(cmi.get("success_status") or "unknown")
        return Tracking(completion, success, _percent(cmi.get("score")), duration_seconds(cmi.get("session_time")))
    status = str(_get(cmi, "core", "lesson_status") or "not attempted")
    completion = "completed" if status in COMPLETED_12 else status
    success = status if status in ("passed", "failed") else "unknown"
    return Tracking(completion, success, _percent(_get(cmi, "core", "score")),
                    duration_seconds(_get(cmi, "core", "session_time")))


def parse_commit(body):
    """A scorm-again JSON commit, {"cmi": {...}, ...} (raises InvalidCommit)."""
    if body is None or len(body) > MAX_CMI_BYTES:
        raise InvalidCommit("Données de suivi absentes ou trop volumineuses.")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidCommit("Données de suivi illisibles (JSON attendu).") from exc
    cmi = data.get("cmi") if isinstance(data, dict) else None
    if not isinstance(cmi, dict):
        raise InvalidCommit("Données de suivi sans objet « cmi ».")
    return data


def commit_cmi(user, module, cmi, terminate=False):
    """Store an attempt's run-time data; completes the module when the package says it is done.

    Returns (attempt, completion or None). Time spent is added once per session, at its terminating commit.
    """
    version = module.current_version
    package = package_of(version)
    if package is None:
        raise InvalidCommit("Ce module n'est pas un paquet SCORM.")
    state = module_state(user, module)
    if state.locked:
        raise ModuleLocked(state.lock_reason)
    attempt = attempt_of(user, version)
    if attempt is None:
        attempt = PackageAttempt(user_id=user.id, version_id=version.id, package_id=package.id, cmi={},
                                 completion_status="not attempted", success_status="unknown", total_seconds=0,
                                 commits=0)
        db.session.add(attempt)
        try:
            db.session.flush()
        except IntegrityError:  # two first commits at once: continue with the one stored
            db.session.rollback()
            attempt = attempt_of(user, version)
        else:
            audit(user, "training.package_started", attempt, {"module": module.slug, "version": version.number})
    tracking = read_tracking(package.scorm_version, cmi)
    previous = (attempt.cmi or {}).get("interactions")
    if isinstance(previous, dict) and isinstance(cmi.get("interactions"), dict):
        cmi = {**cmi, "interactions": {**previous, **cmi["interactions"]}}
    attempt.cmi = cmi
    attempt.completion_status = tracking.completion_status[:20]
    attempt.success_status = tracking.success_status[:20]
    if tracking.score is not None:
        attempt.score = tracking.score
    if terminate:
        attempt.total_seconds = (attempt.total_seconds or 0) + tracking.session_seconds
    attempt.commits = (attempt.commits or 0) + 1
    attempt.updated_at = utcnow()
    completion = None
    if tracking.completion_status == "completed" and tracking.success_status != "failed":
        attempt.completed_at = attempt.completed_at or utcnow()
        completion = _complete(user, module, version, attempt, state)
    db.session.commit()
    if completion is not None:
        module_model = module if isinstance(module, Module) else db.session.get(Module, module.id)
        module_completed.send(None, user=user, module=module_model, version=completion.version, completion=completion)
    return attempt, completion


def _complete(user, module, version, attempt, state):
    if state.completed:
        return None
    return record_completion(user, module, version, attempt.score if attempt.score is not None else 100)


def flattened(cmi, prefix="cmi"):
    """{"cmi.core.lesson_location": "2", ...}: the form the content frame's API cache reads."""
    values = {}
    for key, value in (cmi or {}).items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            values.update(flattened(value, name))
        elif isinstance(value, (str, int, float, bool)):
            values[name] = str(value)
    return values


def resume_data(attempt):
    """The cmi to load before the content starts again (None for a first launch)."""
    if attempt is None or not attempt.cmi:
        return None
    cmi = dict(attempt.cmi)
    # Read-only or per-session elements are the run-time's to set, not ours to replay.
    # Interactions are a record, not state: replaying them trips the run-time's type checks (a response
    # loaded before its interaction's type); they stay stored, merged across sessions at each commit.
    for key in ("interactions", "session_time", "entry", "total_time", "_version", "learner_id", "learner_name", "mode",
                "credit", "launch_data", "time_limit_action", "max_time_allowed", "completion_threshold",
                "scaled_passing_score", "comments_from_lms"):
        cmi.pop(key, None)
    if isinstance(cmi.get("core"), dict):
        core = {k: v for k, v in cmi["core"].items()
                if k in ("lesson_location", "lesson_status", "score", "exit")}
        cmi["core"] = core
    return cmi


def package_summary(user, version):
    """What the module page shows of a package module: the package and the user's attempt."""
    return {"package": package_of(version), "package_attempt": attempt_of(user, version),
            "package_labels": STATUS_LABELS}


def export_attempts(user):
    """The user's package attempts, for the RGPD export."""
    attempts = db.session.scalars(db.select(PackageAttempt).where(PackageAttempt.user_id == user.id)).all()
    return {"attempts": [
        {"module_version": a.version_id, "completion_status": a.completion_status,
         "success_status": a.success_status, "score": a.score, "total_seconds": a.total_seconds,
         "cmi": a.cmi, "started_at": a.started_at, "updated_at": a.updated_at} for a in attempts
    ]}


def erase_attempts(user):
    db.session.execute(db.delete(PackageAttempt).where(PackageAttempt.user_id == user.id))
