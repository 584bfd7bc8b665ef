"""The package player: CMI commits stored per attempt and mapped to completion; package files served
under their own policy; resume data scoped to the learner."""
import json

import pytest

from app.extensions import db as _db
from app.passports.models import PassportEntry
from app.training.models import ModuleCompletion
from app.training.packages import runtime
from app.training.packages.models import PackageAttempt
from tests.training import scorm_helpers as packages


@pytest.fixture
def package_module(db, fixture_tree):
    return packages.import_package_module(fixture_tree)


def _commit(client, payload, terminate=False):
    url = "/formation/modules/paquet-test/paquet/cmi" + ("?terminate=true" if terminate else "")
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_commits_are_stored_and_resume_data_is_served(client, login, package_module):
    user = login("agent")
    assert _commit(client, packages.cmi_12(location="2", suspend='{"screen":2}')).get_json() == {
        "result": True, "errorCode": 0}
    attempt = _db.session.scalar(_db.select(PackageAttempt).where(PackageAttempt.user_id == user.id))
    assert attempt.completion_status == "incomplete" and attempt.cmi["core"]["lesson_location"] == "2"
    page = client.get("/formation/modules/paquet-test/paquet").get_data(as_text=True)
    assert "Vous reprenez là où vous vous étiez arrêté." in page
    config = json.loads(page.split('id="scorm-config">')[1].split("</script>")[0])
    assert config["cmi"]["suspend_data"] == '{"screen":2}' and config["version"] == "1.2"
    assert _db.session.scalar(_db.select(_db.func.count(ModuleCompletion.id))) == 0


def test_passed_completes_the_module_and_the_passport_follows(client, login, package_module):
    from app.passports.receivers import connect_receivers

    connect_receivers()  # other tests clear the signal's receivers
    user = login("agent")
    _commit(client, packages.cmi_12(status="passed", raw="80"), terminate=True)
    completion = _db.session.scalar(_db.select(ModuleCompletion).where(ModuleCompletion.user_id == user.id))
    assert completion is not None and completion.score == 80
    attempt = _db.session.scalar(_db.select(PackageAttempt).where(PackageAttempt.user_id == user.id))
    assert attempt.score == 80 and attempt.total_seconds == 90
    entries = _db.session.scalars(_db.select(PassportEntry).where(PassportEntry.holder_id == user.id)).all()
    assert [e.module_version_id for e in entries] == [package_module.current_version_id]
    page = client.get("/formation/modules/paquet-test").get_data(as_text=True)
    assert "Module terminé le" in page and "Reprendre le module" in page


def test_failed_records_the_score_without_completing(client, login, package_module):
    user = login("agent")
    _commit(client, packages.cmi_12(status="failed", raw="33"))
    attempt = _db.session.scalar(_db.select(PackageAttempt).where(PackageAttempt.user_id == user.id))
    assert attempt.score == 33 and attempt.success_status == "failed"
    assert _db.session.scalar(_db.select(_db.func.count(ModuleCompletion.id))) == 0


@pytest.mark.parametrize("body, message", [
    ("pas du json", "Données de suivi illisibles"),
    ('{"autre": 1}', "sans objet « cmi »"),
    (json.dumps({"cmi": {"suspend_data": "x" * (300 * 1024)}}), "trop volumineuses"),
])
def test_bad_commits_are_refused_in_french_and_store_nothing(client, login, package_module, body, message):
    login("agent")
    response = client.post("/formation/modules/paquet-test/paquet/cmi", data=body, content_type="application/json")
    assert response.status_code == 400 and message in response.get_json()["message"]
    assert _db.session.scalar(_db.select(_db.func.count(PackageAttempt.id))) == 0


def test_scorm_2004_tracking():
    cmi = {"completion_status": "completed", "success_status": "failed", "score": {"scaled": "0.5"},
           "session_time": "PT1M5S"}
    assert runtime.read_tracking("2004", cmi) == runtime.Tracking("completed", "failed", 50, 65)
    cmi = {"completion_status": "completed", "success_status": "passed", "score": {"raw": "7", "min": "0", "max": "10"}}
    assert runtime.read_tracking("2004", cmi).score == 70


def test_package_files_have_their_own_policy_and_the_bridge(client, login, package_module):
    login("agent")
    page = client.get("/formation/modules/paquet-test/paquet").get_data(as_text=True)
    launch = json.loads(page.split('id="scorm-config">')[1].split("</script>")[0])["launchUrl"]
    assert 'sandbox="allow-scripts allow-forms allow-popups"' in page and "allow-same-origin" not in page
    anonymous = client.application.test_client()  # the sandboxed frame sends no cookie
    response = anonymous.get(launch)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "sandbox allow-scripts allow-forms allow-popups" in policy and "connect-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy and response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    body = response.get_data(as_text=True)
    assert body.index("scorm-bridge.js") < body.index("Bonjour")
    token = launch.split("/")[2]
    assert anonymous.get(f"/paquets/{token}/../../passerelle.db").status_code == 404
    assert anonymous.get(f"/paquets/{token}/absent.html").status_code == 404
    assert anonymous.get(f"/paquets/{token[:-2]}xx/index.html").status_code == 404
    # The site's pages keep their own policy: no framing, no inline script.
    site = client.get("/formation/modules/paquet-test")
    assert "frame-ancestors 'none'" in site.headers["Content-Security-Policy"]


def test_locked_package_module_is_not_played(client, login, db, fixture_tree):
    module_yaml = packages.PACKAGE_MODULE.replace("package: {package}", "prerequisites: [accueil-base]\npackage: {package}")
    packages.add_package_module(fixture_tree, packages.good_package())
    (fixture_tree / "modules" / "paquet-test" / "module.yaml").write_text(
        module_yaml.format(package="paquet-test.zip"), encoding="utf-8")
    from app.training.curricula.importer import import_curricula

    import_curricula(fixture_tree)
    login("agent")
    assert client.get("/formation/modules/paquet-test/paquet").status_code == 403
    assert _commit(client, packages.cmi_12(status="passed")).status_code == 403
    assert _db.session.scalar(_db.select(_db.func.count(PackageAttempt.id))) == 0


def test_a_lessons_module_has_no_player(client, login, curricula):
    login("agent")
    assert client.get("/formation/modules/accueil-base/paquet").status_code == 404


def test_api_module_objects_carry_their_format(client, make_user, package_module):
    from app.accounts.services import create_api_token

    user = make_user(role="agent")
    _token, raw = create_api_token(user, user)
    headers = {"Authorization": f"Bearer {raw}"}
    items = {m["slug"]: m for m in client.get("/api/v1/modules", headers=headers).get_json()["items"]}
    assert items["paquet-test"]["format"] == "package" and items["accueil-base"]["format"] == "lessons"
    assert client.get("/api/v1/modules/paquet-test", headers=headers).get_json()["format"] == "package"


def test_attempts_are_exported_and_erased_with_the_person(client, login, package_module):
    from app.accounts.privacy import _erasers, _exporters

    user = login("agent")
    _commit(client, packages.cmi_12(suspend="marque-page"))
    exported = _exporters["scorm_packages"](user)
    assert exported["attempts"][0]["cmi"]["suspend_data"] == "marque-page"
    for erase in _erasers:
        erase(user)
    _db.session.commit()
    assert _db.session.scalar(_db.select(_db.func.count(PackageAttempt.id))) == 0


def test_a_package_started_is_in_progress_on_the_dashboard(client, login, package_module):
    from app.training.progress import IN_PROGRESS, NOT_STARTED, module_state

    user = login("agent")
    assert module_state(user, package_module).status == NOT_STARTED
    _commit(client, packages.cmi_12())
    assert module_state(user, package_module).status == IN_PROGRESS


def test_security_headers_are_talismans_own(client, login, package_module):
    """The per-endpoint cache (app.common.security_headers) sends what Flask-Talisman computes: same headers,
    page after page, for pages with the site's policy and for package files with their own."""
    import flask_talisman

    login("agent")
    page = client.get("/formation/modules/paquet-test/paquet").get_data(as_text=True)
    launch = json.loads(page.split('id="scorm-config">')[1].split("</script>")[0])["launchUrl"]
    anonymous = client.application.test_client()
    talisman = next(f.__self__ for f in client.application.after_request_funcs[None]
                    if isinstance(getattr(f, "__self__", None), flask_talisman.Talisman))
    names = ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "X-Content-Type-Options",
             "Referrer-Policy", "Strict-Transport-Security")
    paths = [(client, "/formation/modules/paquet-test"), (anonymous, launch), (client, "/passeport/"),
             (anonymous, "/connexion"), (anonymous, "/nulle-part"), (client, "/formation/modules/paquet-test")]

    def headers():
        return [[(name, response.headers.get(name)) for name in names]
                for response in (c.get(path) for c, path in paths)]

    cached = headers()
    cached_class = type(talisman)
    talisman.__class__ = flask_talisman.Talisman
    try:
        assert headers() == cached
    finally:
        talisman.__class__ = cached_class
    assert cached[0] == cached[-1] and cached[0] != cached[1]
