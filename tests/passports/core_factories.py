"""Passport test data: a small referential, entries in any status (the one PassportEntry factory),
real evidence files. The fixture-curricula helpers are in factories.py, shared fixtures in conftest.py."""
import io
from datetime import date

import factory
from PIL import Image

from app.common.timezones import utcnow
from app.passports.models import EntrySource, EntryStatus, PassportEntry
from app.referential.models import Activity, Competency, Referential
from tests.factories import BaseFactory, UserFactory


class ReferentialFactory(BaseFactory):
    class Meta:
        model = Referential

    code = factory.Sequence(lambda n: f"REF-{n}")
    title = "Référentiel de test"
    version = "1.0"
    published_on = date(2026, 1, 15)


class ActivityFactory(BaseFactory):
    class Meta:
        model = Activity

    referential = factory.SubFactory(ReferentialFactory)
    code = factory.Sequence(lambda n: f"T{n}")
    title = factory.Sequence(lambda n: f"Activité {n}")
    description = "Activité de test."
    position = factory.Sequence(lambda n: n)


class CompetencyFactory(BaseFactory):
    class Meta:
        model = Competency

    activity = factory.SubFactory(ActivityFactory)
    code = factory.Sequence(lambda n: f"C{n}.1")
    title = factory.Sequence(lambda n: f"Compétence {n}")
    description = "Compétence de test."
    kind = "savoir_faire"
    position = factory.Sequence(lambda n: n)


DECIDED = (EntryStatus.VALIDATED, EntryStatus.REVOKED)


class EntryFactory(BaseFactory):
    """An entry in any status; non-drafts were submitted to the holder's organisation."""

    class Meta:
        model = PassportEntry

    holder = factory.SubFactory(UserFactory, role="agent")
    competency = factory.SubFactory(CompetencyFactory)
    level = 2
    source = EntrySource.EXPERIENCE.value
    status = EntryStatus.DRAFT.value
    description = "J'accueille seule au guichet les personnes qui viennent sans rendez-vous."
    submitted_to_org_id = factory.LazyAttribute(
        lambda o: o.holder.organisation_id if o.status != EntryStatus.DRAFT else None
    )
    submitted_at = factory.LazyAttribute(lambda o: utcnow() if o.status != EntryStatus.DRAFT else None)
    validated_by_org_id = factory.LazyAttribute(lambda o: o.holder.organisation_id if o.status in DECIDED else None)
    validated_at = factory.LazyAttribute(lambda o: utcnow() if o.status in DECIDED else None)


def pdf_bytes(pages=1):
    """A small, real PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(size=(8, 8)):
    out = io.BytesIO()
    Image.new("RGB", size, (0, 0, 145)).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(size=(8, 8)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue()
