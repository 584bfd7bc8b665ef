"""What a passport asks of its people now, for the home pages: the agent's lines to act on or just
decided (read with the other domains' parts of the agent's home, app.common.home), the HR queue's size
and its oldest waiting line. Fixed number of queries, bounded reads."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.common.home import HomeContribution
from app.common.sql import Part
from app.common.timezones import utcnow
from app.extensions import db
from app.passports.models import EntryStatus, PassportEntry
from app.passports.validation_queue import QUEUE_COUNT_CAP, queue_summary
from app.referential.models import Competency

S = EntryStatus
RECENT_DAYS = 30
TO_ACT = (S.CHANGES_REQUESTED.value, S.DRAFT.value)
DECIDED = (S.VALIDATED.value, S.REJECTED.value)


@dataclass(frozen=True)
class HomeEntry:
    id: int
    competency_code: str
    competency_title: str
    level: int
    status: str
    changed_at: datetime

    @property
    def status_label(self):
        return S(self.status).label

    @property
    def needs_action(self):
        return self.status in TO_ACT

    def changed_since(self, since):
        return since is not None and self.changed_at >= since


def _entries_part(limit=10):
    """The holder's (:user_id) lines to act on (changes requested, drafts), then those validated or refused
    since :passport_since, newest change first."""
    to_act = PassportEntry.status.in_(TO_ACT)
    statement = (
        db.select(PassportEntry.id, Competency.code, Competency.title, PassportEntry.level, PassportEntry.status,
                  PassportEntry.updated_at)
        .join(Competency, Competency.id == PassportEntry.competency_id)
        .where(PassportEntry.holder_id == db.bindparam("user_id"),
               db.or_(to_act, db.and_(PassportEntry.status.in_(DECIDED),
                                      PassportEntry.updated_at >= db.bindparam("passport_since"))))
    )
    return Part("passport_entries", statement, HomeEntry,
                order_by=(to_act.desc(), PassportEntry.updated_at.desc(), PassportEntry.id), limit=limit)


def _since(user, since):
    # On a first visit, the last RECENT_DAYS days.
    return {"passport_since": since or utcnow() - timedelta(days=RECENT_DAYS)}


def home_contribution():
    """The agent's home: `entries`, the lines to act on, then those decided since the previous visit."""
    return HomeContribution("entries", (_entries_part(),), lambda rows, user, since: rows["passport_entries"],
                            params=_since)


@dataclass(frozen=True)
class QueueSummary:
    count: int  # up to QUEUE_COUNT_CAP + 1
    oldest_submitted_at: datetime | None

    @property
    def capped(self):
        return self.count > QUEUE_COUNT_CAP


def hr_queue_summary(hr_user):
    """How many lines wait for this HR user's validation (counted up to QUEUE_COUNT_CAP + 1) and when the
    oldest was submitted (one query; no passport content, so no audited read)."""
    return QueueSummary(*queue_summary(hr_user))
