"""Contributions that count: the passport learns them through signals and offers A7.2, A7.3, A7.5 lines."""
import ast
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator

from app.consultations import services
from app.extensions import db
from app.passports import contributions, pdf
from app.passports.documents import passport_document
from app.passports.models import ContributionOffer, EvidenceLog, PassportEntry
from app.reports import triage
from app.reports.models import Report
from tests.conftest import IN_CI
from tests.consultations.conftest import make_consultation
from tests.factories import PASSWORD
from tests.passports.core_factories import ActivityFactory, CompetencyFactory
from tests.passports.test_credentials import (
    CLAIMS,
    SCHEMA_PATH,
    _fetch_credentials,
    _schema,
    _verify_with_published_jwks,
)
from tests.passports.test_documents import pdf_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def a7(db):
    activity = ActivityFactory(code="A7", title="Signaler les dysfonctionnements des services numériques")
    return {code: CompetencyFactory(code=code, activity=activity, title=title) for code, title in [
        ("A7.2", "Décrire un dysfonctionnement de façon reproductible, sans donnée personnelle"),
        ("A7.3", "Suivre un signalement et relayer les solutions de contournement"),
        ("A7.5", "Contribuer à la conception et à l'amélioration des services numériques (tests, avis, ateliers)"),
    ]}


def _offers(user):
    return db.session.scalars(db.select(ContributionOffer).where(ContributionOffer.holder_id == user.id)
                              .order_by(ContributionOffer.id)).all()


def test_closing_a_consultation_offers_a75_to_those_who_answered_only(world, a7):
    c = make_consultation(world.dev_caf, world.caf_app, kind="testers", capacity=5)
    services.volunteer(world.me_too, c)  # volunteered, never answered
    services.volunteer(world.reporter, c)
    services.submit_answers(world.reporter, c, {c.questions[0].id: "4"})
    assert _offers(world.reporter) == []  # nothing before the consultation is closed
    services.close_consultation(world.dev_caf, c, "Nous avons raccourci le formulaire.")
    [offer] = _offers(world.reporter)
    assert (offer.competency_code, offer.level, offer.reference) == ("A7.5", 2, f"Consultation n° {c.id}")
    assert _offers(world.me_too) == []


def test_a_qualified_report_offers_a72_and_a_verified_fix_a73_to_its_author(world, a7):
    report = db.session.scalar(db.select(Report))
    triage.change_status(world.dev_caf, report, "qualified")
    triage.change_status(world.dev_caf, report, "acknowledged")
    triage.change_status(world.dev_caf, report, "fixed")
    triage.change_status(world.dev_caf, report, "verified")
    assert [(o.competency_code, o.reference) for o in _offers(world.reporter)] == [
        ("A7.2", report.reference), ("A7.3", report.reference)]
    assert _offers(world.me_too) == []  # « moi aussi » is not the description


def test_a_report_acknowledged_without_the_qualified_step_counts_once(world, a7):
    from tests.reports.factories import file_report

    report = file_report(world.outsider, world.caf_app)
    triage.change_status(world.dev_caf, report, "acknowledged")
    triage.change_status(world.dev_caf, report, "in_progress")
    assert [(o.competency_code, o.reference) for o in _offers(world.outsider)] == [("A7.2", report.reference)]
    rejected = file_report(world.outsider, world.caf_app, title="Autre chose")
    triage.change_status(world.dev_caf, rejected, "not_reproducible", reason="Pas reproduit.")
    assert len(_offers(world.outsider)) == 1  # a report the team could not reproduce shows nothing


def test_the_agent_chooses_to_add_the_line_which_is_guaranteed_with_the_references(client, world, a7):
    c = make_consultation(world.dev_caf, world.caf_app)
    services.submit_answers(world.reporter, c, {c.questions[0].id: "4"})
    services.close_consultation(world.dev_caf, c, "Nous avons raccourci le formulaire.")
    client.post("/connexion", data={"email": world.reporter.email, "password": PASSWORD})
    page = client.get("/passeport/").text
    assert "Vos contributions vérifiées" in page and "Ajouter la ligne A7.5" in page
    assert db.session.scalar(db.select(db.func.count(PassportEntry.id))) == 0  # offered, not added
    response = client.post("/passeport/contributions/A7.5/ajouter")
    assert response.status_code == 302
    entry = db.session.scalar(db.select(PassportEntry))
    assert (entry.competency.code, entry.level, entry.source, entry.provenance) == ("A7.5", 2, "contribution",
                                                                                    "guaranteed")
    assert f"Consultation n° {c.id}" in entry.description
    notes = db.session.scalars(db.select(EvidenceLog.note).where(EvidenceLog.entry_id == entry.id)).all()
    assert notes == [f"Consultation d'une équipe terminée : Consultation n° {c.id} — {c.title} (caf.fr)"]
    assert "Vos contributions vérifiées" not in client.get("/passeport/").text
    assert client.post("/passeport/contributions/A7.5/ajouter").status_code == 404


def test_another_agent_cannot_add_someone_elses_contributions(client, world, a7):
    c = make_consultation(world.dev_caf, world.caf_app)
    services.submit_answers(world.reporter, c, {c.questions[0].id: "4"})
    services.close_consultation(world.dev_caf, c, "Nous avons raccourci le formulaire.")
    client.post("/connexion", data={"email": world.outsider.email, "password": PASSWORD})
    assert client.post("/passeport/contributions/A7.5/ajouter").status_code == 404
    assert db.session.scalar(db.select(db.func.count(PassportEntry.id))) == 0


def test_an_a75_line_verifies_as_an_ob3_credential_and_is_in_the_pdf(client, world, a7):
    c = make_consultation(world.dev_caf, world.caf_app)
    services.submit_answers(world.reporter, c, {c.questions[0].id: "5"})
    services.close_consultation(world.dev_caf, c, "Nous avons raccourci le formulaire.")
    entry = contributions.add_contribution_line(world.reporter, "A7.5")
    [item] = _fetch_credentials(client, world.reporter)
    assert (item["competency"], item["level"], item["entry_id"]) == ("A7.5", 2, entry.id)
    payload = _verify_with_published_jwks(client, item["jwt"])
    assert payload["credentialSubject"]["achievement"]["name"].startswith("A7.5")
    credential = {k: v for k, v in payload.items() if k not in CLAIMS}
    if SCHEMA_PATH.exists() or IN_CI:  # the official schema sits beside the clone (see test_credentials)
        assert sorted(Draft201909Validator(_schema()).iter_errors(credential), key=str) == []
    content = " ".join(pdf_text(pdf.passport_pdf(passport_document(world.reporter))).split())
    assert "A7.5 — Contribuer à la conception" in content and "Garantie" in content


def _imports(package):
    for path in (ROOT / "app" / package).rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        yield path, names


def test_reports_and_consultations_never_import_the_passport():
    for package, forbidden in [("reports", ("app.passports", "app.consultations")),
                               ("consultations", ("app.passports", "app.site", "app.cli", "app.api",
                                                  "app.training"))]:
        for path, names in _imports(package):
            assert not [n for n in names if n.startswith(forbidden)], path


def test_the_shipped_reference_has_a75_with_four_levels_and_validates(app):
    from app.training.curricula.validate import load_tree

    tree = load_tree(str(ROOT / "curricula"))
    assert tree.problems == []
    [a7] = [a for a in tree.referential.activities if a.code == "A7"]
    [a75] = [c for c in a7.competencies if c.code == "A7.5"]
    assert a75.title == ("Contribuer à la conception et à l'amélioration des services numériques "
                         "(tests, avis, ateliers)")
    assert sorted(a75.levels) == [1, 2, 3, 4]
    result = app.test_cli_runner().invoke(args=["curricula", "validate", str(ROOT / "curricula")])
    assert result.exit_code == 0, result.output
