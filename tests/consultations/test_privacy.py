"""Personal data: a participant's export holds their answers; erasure keeps the counted answers anonymous."""
import io

from werkzeug.datastructures import FileStorage

from app.accounts.privacy import erase_account, export_personal_data
from app.consultations import services
from app.consultations.models import ConsultationAnswer, Participation
from app.extensions import db
from app.passports import contributions
from app.passports.models import ContributionOffer, PassportEntry
from app.reports import images
from tests.consultations.conftest import make_consultation
from tests.consultations.test_contributions import a7  # noqa: F401 - the A7 competencies fixture
from tests.factories import UserFactory
from tests.reports.test_screenshots import png_with_metadata


def test_erasing_a_participant_keeps_anonymous_answers_and_drops_the_rest(world, a7):  # noqa: F811
    c = make_consultation(world.dev_caf, world.caf_app)
    shots = images.process_uploads([FileStorage(io.BytesIO(png_with_metadata()), filename="ecran.png")])
    p = services.submit_answers(world.reporter, c, {c.questions[3].id: "Trop de champs"}, signed=True,
                                citizen_view="Avis de la dame", citizen_consent=True, screenshots=shots)
    path = images.attachment_path(p.attachments[0].stored_name)
    services.close_consultation(world.dev_caf, c, "Nous avons retiré deux champs.")
    contributions.add_contribution_line(world.reporter, "A7.5")
    exported = export_personal_data(world.reporter, world.reporter)
    assert exported["consultations"]["participations"][0]["answers"][0]["text"] == "Trop de champs"
    erase_account(UserFactory(role="admin"), world.reporter)
    db.session.expire_all()
    participation = db.session.get(Participation, p.id)
    assert (participation.signed, participation.citizen_view, participation.attachments) == (False, "", [])
    assert not path.is_file()
    assert db.session.scalar(db.select(ConsultationAnswer.text)) == "Trop de champs"  # still counted
    assert db.session.scalar(db.select(db.func.count(PassportEntry.id))) == 0
    assert db.session.scalar(db.select(db.func.count(ContributionOffer.id))) == 0


def test_citizen_views_are_blanked_after_the_retention_period(app, world):
    from datetime import timedelta

    from app.common.retention import purge
    from app.common.timezones import utcnow

    c = make_consultation(world.dev_caf, world.caf_app)
    old = services.submit_answers(world.reporter, c, {c.questions[0].id: "3"}, citizen_view="Trop long",
                                  citizen_consent=True)
    recent = services.submit_answers(world.me_too, c, {c.questions[0].id: "3"}, citizen_view="Trop court",
                                     citizen_consent=True)
    old.answered_at = utcnow() - timedelta(days=30 * app.config["RETENTION_CITIZEN_WORDS_MONTHS"] + 1)
    db.session.commit()
    counts = purge(app.config)
    assert counts["consultations.citizen_view"] == 1
    db.session.expire_all()
    assert (db.session.get(Participation, old.id).citizen_view, db.session.get(Participation, recent.id).citizen_view) \
        == ("", "Trop court")
