"""Passport entries on the fixture curricula (tests/fixtures/curricula): entry(holder, "A1.1") and
training entries, built with core_factories.EntryFactory."""
from datetime import date, timedelta

from app.extensions import db
from app.passports.models import EntrySource, EntryStatus
from app.referential.models import Competency
from tests.passports.core_factories import EntryFactory


def competency_by_code(code):
    return db.session.scalar(db.select(Competency).where(Competency.code == code))


def fixture_referential():
    """Import the fixture curricula once: A1.1, A1.2 (activity A1), A2.1 (A2); CHARGE-ACCUEIL (ROME M1601:
    A1.1 lvl 3, A2.1 lvl 2), CONSEILLER-FS (no ROME code: A1.2 lvl 3, A2.1 lvl 3); certification TP-TEST
    (CCP1: A1.1 + A1.2, CCP2: A2.1); modules accueil-base (A1.1, A1.2 lvl 2), caf-essentiel (A2.1 lvl 2)."""
    if competency_by_code("A1.1") is None:
        from tests.training.learning_helpers import import_fixture_curricula

        import_fixture_curricula()


def entry(holder, code, level=2, status=EntryStatus.VALIDATED.value, **kwargs):
    """An entry on competency `code` of the fixture curricula, validated unless `status` says otherwise."""
    return EntryFactory(holder=holder, competency=competency_by_code(code), level=level, status=status, **kwargs)


def training_entry(holder, code, level=2, months=24, **kwargs):
    """An entry from a completed module: validated, guaranteed, valid for `months` (None: no end)."""
    kwargs.setdefault("valid_until", date.today() + timedelta(days=30 * months) if months else None)
    return entry(holder, code, level, source=EntrySource.TRAINING.value, description=None, **kwargs)
