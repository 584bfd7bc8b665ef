"""Passport test data for the documents part (engineer "documents"): the fixture curricula and
entries created directly with the models. The core part's factories are in core_factories.py."""
from datetime import date, timedelta

import factory

from app.common.timezones import utcnow
from app.extensions import db
from app.passports.models import EntrySource, EntryStatus, PassportEntry
from app.referential.models import Competency
from tests.factories import BaseFactory, UserFactory

DECIDED = (EntryStatus.VALIDATED.value, EntryStatus.REVOKED.value)


def competency_by_code(code):
    return db.session.scalar(db.select(Competency).where(Competency.code == code))


def fixture_referential():
    """Import the fixture curricula once: A1.1, A1.2 (activity A1), A2.1 (A2); CHARGE-ACCUEIL (ROME M1601:
    A1.1 lvl 3, A2.1 lvl 2), CONSEILLER-FS (no ROME code: A1.2 lvl 3, A2.1 lvl 3); certification TP-TEST
    (CCP1: A1.1 + A1.2, CCP2: A2.1); modules accueil-base (A1.1, A1.2 lvl 2), caf-essentiel (A2.1 lvl 2)."""
    if competency_by_code("A1.1") is None:
        from tests.training.learning_helpers import import_fixture_curricula

        import_fixture_curricula()


class PassportEntryFactory(BaseFactory):
    """A validated experience entry, validated by the holder's organisation (no evidence log rows)."""

    class Meta:
        model = PassportEntry

    holder = factory.SubFactory(UserFactory, role="agent")
    competency = factory.LazyFunction(lambda: competency_by_code("A1.1"))
    level = 2
    source = EntrySource.EXPERIENCE.value
    status = EntryStatus.VALIDATED.value
    description = "J'accueille chaque matin une vingtaine de personnes au guichet."
    submitted_to_org_id = factory.LazyAttribute(lambda o: o.holder.organisation_id)
    submitted_at = factory.LazyFunction(utcnow)
    validated_by_org_id = factory.LazyAttribute(lambda o: o.holder.organisation_id if o.status in DECIDED else None)
    validated_at = factory.LazyAttribute(lambda o: utcnow() if o.status in DECIDED else None)


def entry(holder, code, level=2, status=EntryStatus.VALIDATED.value, **kwargs):
    return PassportEntryFactory(holder=holder, competency=competency_by_code(code), level=level, status=status,
                                **kwargs)


def training_entry(holder, code, level=2, months=24, **kwargs):
    """An entry from a completed module: validated, guaranteed, valid for `months` (None: no end)."""
    kwargs.setdefault("valid_until", date.today() + timedelta(days=30 * months) if months else None)
    return entry(holder, code, level, source=EntrySource.TRAINING.value, description=None, **kwargs)
