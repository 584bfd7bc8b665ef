"""An admin uploads a partner's new zip for a package module: checked, stored, a new version."""
import io

from app.extensions import db as _db
from app.training.models import Module
from app.training.packages.models import PackageAttempt, ScormPackage
from app.training.packages.runtime import commit_cmi
from tests.training import scorm_helpers as packages


def _upload(client, data, name="nouveau.zip"):
    return client.post("/admin/paquets/paquet-test", data={"package": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_admin_uploads_a_new_version_and_progress_on_the_old_one_is_kept(client, login, make_user, db, fixture_tree):
    module = packages.import_package_module(fixture_tree)
    agent = make_user(role="agent")
    commit_cmi(agent, module, packages.cmi_12()["cmi"])
    login("admin")
    assert "Paquet de test" in client.get("/admin/paquets/").get_data(as_text=True)
    response = _upload(client, packages.good_package(body=packages.SCO.replace("Bonjour", "Version 2")))
    assert response.status_code == 302
    _db.session.expire_all()
    module = _db.session.scalar(_db.select(Module).where(Module.slug == "paquet-test"))
    assert module.current_version.number == 2 and len(module.current_version.competencies) == 1
    assert _db.session.scalar(_db.select(_db.func.count(ScormPackage.id))) == 2
    old = _db.session.scalar(_db.select(PackageAttempt).where(PackageAttempt.user_id == agent.id))
    assert old.version.number == 1  # the agent's attempt stays on the version taken


def test_a_broken_upload_is_refused_in_french_and_imports_nothing(client, login, db, fixture_tree):
    packages.import_package_module(fixture_tree)
    login("admin")
    response = _upload(client, packages.zip_slip())
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Paquet refusé : rien n" in page, page[page.find("<main"):][:3000]
    assert "remontée de dossier" in page
    assert _db.session.scalar(_db.select(_db.func.count(ScormPackage.id))) == 1
    response = _upload(client, packages.good_package())
    assert response.status_code == 400 and "déjà celui de la version en cours" in response.get_data(as_text=True)


def test_only_zip_files_are_accepted(client, login, db, fixture_tree):
    packages.import_package_module(fixture_tree)
    login("admin")
    response = _upload(client, b"pas un zip", name="paquet.txt")
    assert response.status_code == 400 and "Choisissez un fichier .zip." in response.get_data(as_text=True)
