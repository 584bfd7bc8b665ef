"""The reference pages and API endpoints show the imported content."""
from pathlib import Path

from app.accounts import services as accounts
from app.training.curricula.importer import import_curricula
from tests.query_counter import count_queries

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curricula"


def test_reference_page_shows_competencies_modules_and_profiles(client, login, db):
    import_curricula(FIXTURE)
    login()
    html = client.get("/referentiel").get_data(as_text=True)
    assert "A1.1 — Accueillir au guichet" in html
    assert "Forme les nouveaux collègues à l&#39;accueil." in html
    assert "Accueil de base (niveau 2)" in html
    assert "Chargé(e) d&#39;accueil</a> (niveau 3 minimum)" in html


def test_profile_pages(client, login, db):
    import_curricula(FIXTURE)
    login(role="hr")
    listing = client.get("/filiere").get_data(as_text=True)
    assert "Conseiller(ère) France services" in listing
    page = client.get("/filiere/CHARGE-ACCUEIL").get_data(as_text=True)
    assert "M1601" in page and "3 — Maîtrise autonome" in page and "Accueil de base" in page
    assert client.get("/filiere/INCONNU").status_code == 404


def test_certifications_page(client, login, db):
    import_curricula(FIXTURE)
    login(role="triager")
    html = client.get("/certifications").get_data(as_text=True)
    assert "Titre professionnel de test" in html and "RNCP12345" in html and "Orienter vers les partenaires" in html


def test_reference_page_query_count_is_fixed(client, login, app, db, tmp_path):
    import shutil

    small = tmp_path / "curricula"
    shutil.copytree(FIXTURE, small)
    ref = small / "referential.yaml"
    ref.write_text(ref.read_text().replace("code: REF-TEST", "code: REF-ACCUEIL"), encoding="utf-8")
    import_curricula(small)
    login()
    with count_queries(app) as first:
        client.get("/referentiel")
    import_curricula("curricula")  # many more activities, competencies and modules
    with count_queries(app) as second:
        html = client.get("/referentiel").get_data(as_text=True)
    assert "A7.4" in html
    assert first.count == second.count <= 10


def _token(make_user):
    user = make_user()
    _t, raw = accounts.create_api_token(user, user)
    return {"Authorization": f"Bearer {raw}"}


def test_api_referential(client, make_user, db):
    headers = _token(make_user)
    assert client.get("/api/v1/referential", headers=headers).status_code == 404
    import_curricula(FIXTURE)
    body = client.get("/api/v1/referential", headers=headers).get_json()
    assert body["code"] == "REF-TEST" and len(body["scale"]) == 4
    first = body["activities"][0]["competencies"][0]
    assert first["code"] == "A1.1" and [lv["level"] for lv in first["levels"]] == [1, 2, 3, 4]


def test_api_profiles_certifications_with_cursor(client, make_user, db):
    headers = _token(make_user)
    import_curricula(FIXTURE)
    page1 = client.get("/api/v1/profiles?limit=1", headers=headers).get_json()
    assert len(page1["items"]) == 1 and page1["next_cursor"]
    page2 = client.get(f"/api/v1/profiles?limit=1&cursor={page1['next_cursor']}", headers=headers).get_json()
    assert page2["next_cursor"] is None
    codes = {page1["items"][0]["code"], page2["items"][0]["code"]}
    assert codes == {"CHARGE-ACCUEIL", "CONSEILLER-FS"}
    assert page1["items"][0]["requires"][0] == {"competency": "A1.1", "level": 3}
    certs = client.get("/api/v1/certifications", headers=headers).get_json()
    assert certs["items"][0]["blocks"][0]["competencies"] == ["A1.1", "A1.2"]
    bad = client.get("/api/v1/profiles?limit=0", headers=headers)
    assert bad.status_code == 400 and "limit" in bad.get_json()["error"]["fields"]


def test_api_modules(client, make_user, db):
    headers = _token(make_user)
    import_curricula(FIXTURE)
    items = client.get("/api/v1/modules", headers=headers).get_json()["items"]
    caf = next(m for m in items if m["slug"] == "caf-essentiel")
    assert caf == {"slug": "caf-essentiel", "title": "L'essentiel de la CAF", "kind": "specialist",
                   "format": "lessons", "partner": "caf", "version": 1, "duration_minutes": 45,
                   "self_study_minutes": 1, "activities_minutes": 44, "competencies": [{"code": "A2.1", "level": 2}]}
    detail = client.get("/api/v1/modules/caf-essentiel", headers=headers).get_json()
    assert detail["prerequisites"] == ["accueil-base"] and detail["lessons"][0]["slug"] == "missions"
    assert detail["validity_months"] == 24
    assert client.get("/api/v1/modules/inconnu", headers=headers).status_code == 404


def test_openapi_lists_reference_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ["/api/v1/referential", "/api/v1/profiles", "/api/v1/certifications",
                 "/api/v1/modules", "/api/v1/modules/{slug}"]:
        assert path in paths, path
