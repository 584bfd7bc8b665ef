"""Self-study time and group activities shown apart (issue 14): a quiz taken alone is not 100 minutes of training.

The fixture modules declare accueil-base 60 min with 58 min of activities (2 min alone) and caf-essentiel 45 min
with 44 min of activities (1 min alone).
"""
import html
import io

from pypdf import PdfReader

from app.extensions import db as _db
from app.passports.models import PassportEntry
from app.training import pdf
from app.training.attestations import attestation_for
from app.training.curricula.importer import import_curricula
from app.training.durations import minutes_label, self_study_minutes
from tests.factories import OrganisationFactory, UserFactory
from tests.training.learning_helpers import FIXTURE_CURRICULA, complete, module
from tests.training.scorm_helpers import import_package_module


def _text(response):
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def test_labels_and_the_split():
    assert [minutes_label(m) for m in (25, 60, 100, 0)] == ["25 min", "1 h", "1 h 40", "0 min"]
    assert self_study_minutes(100, 75) == 25 and self_study_minutes(30, None) == 30
    assert self_study_minutes(20, 30) == 0  # never negative, whatever a file declares


def test_the_importer_stores_the_activities_and_fills_versions_imported_before(curricula, db):
    version = module("accueil-base").current_version
    assert (version.duration_minutes, version.activities_minutes, version.self_study_minutes) == (60, 58, 2)
    assert module("caf-essentiel").current_version.self_study_minutes == 1
    # A version imported before the column existed has 0 (the migration's backfill): the next import fills it
    # without making a new version (the content hash already covered activities_minutes).
    version.activities_minutes = 0
    _db.session.commit()
    import_curricula(FIXTURE_CURRICULA)
    version = module("accueil-base").current_version
    assert (version.number, version.activities_minutes) == (1, 58)


def test_a_scorm_package_module_has_no_group_activity(fixture_tree, db):
    version = import_package_module(fixture_tree).current_version
    assert (version.activities_minutes, version.self_study_minutes) == (0, 10)


def test_module_catalog_and_path_pages_show_both_figures(client, login, curricula, test_path):
    login()
    page = _text(client.get("/formation/modules/accueil-base"))
    assert "2 min en autoformation · 58 min d'activités en groupe (avec un formateur)" in page
    assert "60 min" not in page  # the whole duration is never shown as the learner's time
    catalog = _text(client.get("/formation/"))
    assert "2 min en autoformation · 58 min d'activités en groupe" in catalog
    assert "1 min en autoformation · 44 min d'activités en groupe" in catalog
    assert "Temps en autoformation" in catalog
    path = _text(client.get(f"/formation/parcours/{test_path.code}"))
    assert "Durée du parcours :</strong> 3 min en autoformation · 1 h 42 d'activités en groupe (avec un formateur)." in path
    assert "2 min en autoformation · 58 min d'activités en groupe (avec un formateur) · 0 %" in path


def test_the_catalog_filter_counts_the_self_study_time(client, login, curricula):
    login()
    # Both modules last 45 min or more in all, but 1 and 2 min alone: the filter reads the self-study time.
    one = _text(client.get("/formation/?duree=1"))
    assert "essentiel de la CAF" in one and "Accueil de base" not in one
    both = _text(client.get("/formation/?duree=15"))
    assert "essentiel de la CAF" in both and "Accueil de base" in both


def test_trainer_pages_show_the_group_session_time(client, curricula):
    org = OrganisationFactory()
    hr = UserFactory(role="hr", organisation=org)
    from tests.factories import PASSWORD

    client.post("/connexion", data={"email": hr.email, "password": PASSWORD})
    index = _text(client.get("/formation/formateur"))
    assert "Activités en groupe (avec un formateur)" in index
    assert "<td>2 min</td>\n    <td>58 min</td>" in index
    page = _text(client.get("/formation/formateur/accueil-base"))
    assert ("durée déclarée du module : 1 h, dont 2 min en autoformation et 58 min d'activités en groupe "
            "avec un formateur") in page
    assert "Durée :</strong> 2 min en autoformation · 58 min d'activités en groupe (avec un formateur)." in page


def test_the_api_keeps_duration_minutes_and_adds_both_parts(client, make_user, curricula):
    from app.accounts import services as accounts

    user = make_user()
    _token, raw = accounts.create_api_token(user, user)
    headers = {"Authorization": f"Bearer {raw}"}
    items = client.get("/api/v1/modules", headers=headers).get_json()["items"]
    base = next(m for m in items if m["slug"] == "accueil-base")
    assert (base["duration_minutes"], base["self_study_minutes"], base["activities_minutes"]) == (60, 2, 58)
    detail = client.get("/api/v1/modules/caf-essentiel", headers=headers).get_json()
    assert (detail["duration_minutes"], detail["self_study_minutes"], detail["activities_minutes"]) == (45, 1, 44)
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    module_schema = schemas["Module"]
    assert {"duration_minutes", "self_study_minutes", "activities_minutes"} <= set(module_schema["required"])
    assert "autoformation" in module_schema["properties"]["duration_minutes"]["description"]


def test_the_attestation_states_the_self_study_time_only(client, login, curricula):
    agent = login()
    complete(agent, "accueil-base")
    attestation = attestation_for(agent, module("accueil-base"))
    assert (attestation.self_study_minutes, attestation.activities_minutes) == (2, 58)
    page = _text(client.get("/formation/modules/accueil-base/attestation"))
    assert "Durée de formation en autoformation</dt><dd>2 min</dd>" in page
    assert ("Les activités en groupe prévues par le module (58 min de jeux de rôle et d'études de cas avec un "
            "formateur) ne sont pas comprises dans cette attestation.") in page
    assert "1 h" not in page
    reader = PdfReader(io.BytesIO(pdf.attestation_pdf(attestation)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Durée de formation en autoformation 2 min" in text
    assert "ne sont pas comprises dans cette attestation" in text


def test_the_passport_entry_of_a_completion_credits_the_self_study_time(client, login, curricula):
    agent = login()
    complete(agent, "accueil-base")
    entry = _db.session.scalar(_db.select(PassportEntry).where(PassportEntry.holder_id == agent.id).limit(1))
    page = _text(client.get(f"/passeport/lignes/{entry.id}"))
    assert ("Temps de formation</dt><dd>2 min en autoformation (leçons et quiz en ligne) ; les 58 min "
            "d'activités en groupe du module ne sont pas comptées</dd>") in page
