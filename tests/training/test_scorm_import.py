"""SCORM package modules in curricula/: manifest checks, safe import, versions by content hash."""
from pathlib import Path

import pytest

from app.extensions import db as _db
from app.training.curricula.importer import CurriculaInvalid, import_curricula
from app.training.curricula.validate import load_tree
from app.training.models import Module
from app.training.packages.models import ScormPackage
from tests.training import scorm_helpers as packages


def _problems(tree):
    return [str(p) for p in load_tree(tree).problems]


def _stored(app):
    root = Path(app.instance_path) / "packages"
    return sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.is_dir() else []


BROKEN = [
    ("missing_manifest", "fichier imsmanifest.xml manquant à la racine du paquet"),
    ("bad_href", "fichier référencé introuvable dans le paquet : absent.html"),
    ("zip_slip", "chemin interdit dans l'archive (remontée de dossier, hors du dossier du paquet) : ../../evil.html"),
    ("zip_bomb", "taux de compression suspect (bombe de décompression) : padding.bin"),
    ("symlink", "lien symbolique interdit dans l'archive : lien.html"),
]


@pytest.mark.parametrize("kind, message", BROKEN, ids=[k for k, _m in BROKEN])
def test_broken_package_is_refused_with_its_own_message_and_nothing_imported(app, db, fixture_tree, kind, message):
    packages.add_package_module(fixture_tree, getattr(packages, kind)())
    problems = _problems(fixture_tree)
    assert any(message in p for p in problems), problems
    others = [m for k, m in BROKEN if k != kind]
    assert not any(other in p for p in problems for other in others), problems  # its own message only
    before = _stored(app)
    with pytest.raises(CurriculaInvalid):
        import_curricula(fixture_tree)
    assert _db.session.scalar(_db.select(_db.func.count(Module.id))) == 0
    assert _db.session.scalar(_db.select(_db.func.count(ScormPackage.id))) == 0
    assert _stored(app) == before


def test_problems_are_path_line_message(app, db, fixture_tree):
    packages.add_package_module(fixture_tree, packages.bad_href())
    result = app.test_cli_runner().invoke(args=["curricula", "validate", str(fixture_tree)])
    assert result.exit_code == 1
    # The manifest's line 9 names the missing file.
    assert f"{fixture_tree}/packages/paquet-test.zip/imsmanifest.xml:9: fichier référencé introuvable" in result.output


def test_missing_package_points_at_the_module_line(app, db, fixture_tree):
    packages.add_package_module(fixture_tree, packages.good_package())
    (fixture_tree / "packages" / "paquet-test.zip").unlink()
    problems = _problems(fixture_tree)
    assert f"{fixture_tree}/modules/paquet-test/module.yaml:10: paquet introuvable : packages/paquet-test.zip" in problems


def test_manifest_with_entities_is_refused(app, db, fixture_tree):
    manifest = '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "y">]><manifest>&x;</manifest>'
    packages.add_package_module(fixture_tree, packages.build_zip([("imsmanifest.xml", manifest)]))
    assert any("contient une DTD ou des entités" in p for p in _problems(fixture_tree))


def test_unknown_schema_version_is_refused(app, db, fixture_tree):
    data = packages.good_package()
    manifest = packages.MANIFEST_12.format(href="index.html").replace(">1.2<", ">CAM 1.1<")
    data = packages.build_zip([("imsmanifest.xml", manifest), ("index.html", packages.SCO)])
    packages.add_package_module(fixture_tree, data)
    assert any("version de SCORM non prise en charge : « CAM 1.1 »" in p for p in _problems(fixture_tree))


def test_good_package_is_stored_by_content_hash(app, db, fixture_tree):
    packages.add_package_module(fixture_tree, packages.good_package())
    import_curricula(fixture_tree)
    module = _db.session.scalar(_db.select(Module).where(Module.slug == "paquet-test"))
    assert module.format == "package"
    package = _db.session.scalar(_db.select(ScormPackage).where(ScormPackage.version_id == module.current_version_id))
    assert package.scorm_version == "1.2" and package.launch_href == "index.html"
    stored = Path(app.instance_path) / "packages" / package.sha256
    assert (stored / "index.html").read_text() == packages.SCO
    assert package.sha256 in _stored(app)


def test_new_zip_is_a_new_version_and_same_zip_changes_nothing(app, db, fixture_tree):
    packages.add_package_module(fixture_tree, packages.good_package())
    import_curricula(fixture_tree)
    again = import_curricula(fixture_tree)
    assert not again.has_changes
    packages.add_package_module(fixture_tree, packages.good_package(body=packages.SCO.replace("Bonjour", "Salut")))
    report = import_curricula(fixture_tree)
    assert ("paquet-test", 2) in report.new_versions
    module = _db.session.scalar(_db.select(Module).where(Module.slug == "paquet-test"))
    assert [v.number for v in module.versions] == [1, 2]
    assert _db.session.scalar(_db.select(_db.func.count(ScormPackage.id))) == 2


def test_shipped_demo_packages_validate(app):
    tree = load_tree("curricula")
    assert tree.problems == []
    formats = {s.model.slug: s.model.format for s in tree.modules}
    assert formats["fiche-reflexe-signalement"] == "package"
    assert formats["fiche-reflexe-personne-en-colere"] == "package"
    versions = {s.model.slug: s.package.manifest.version for s in tree.modules if s.package}
    assert versions == {"fiche-reflexe-signalement": "1.2", "fiche-reflexe-personne-en-colere": "2004"}


def test_shipped_demo_packages_take_the_shared_player_from_one_place(app):
    """sco.js and style.css live once in packages/_shared/; each demo package's zip holds them at its root."""
    import io
    import zipfile

    tree = load_tree("curricula")
    shared = Path("curricula/packages/_shared")
    for source in (s for s in tree.modules if s.package):
        with zipfile.ZipFile(io.BytesIO(source.package.data)) as archive:
            names = set(archive.namelist())
            assert {"imsmanifest.xml", "index.html", "sco.js", "style.css"} <= names
            assert "shared.txt" not in names
            assert archive.read("sco.js") == (shared / "sco.js").read_bytes()
    assert not list(Path("curricula/packages").glob("fiche-reflexe-*/sco.js"))


def _folder_package(tree, shared_list, shared_files=(), own=()):
    """A `paquet-test` folder package taking `shared_list` from packages/_shared/."""
    import shutil

    folder = tree / "packages" / "paquet-test"
    shutil.rmtree(folder, ignore_errors=True)
    packages.add_package_module(tree, b"", name="paquet-test")
    folder.unlink()
    folder.mkdir()
    (folder / "imsmanifest.xml").write_text(packages.MANIFEST_12.format(href="index.html"), encoding="utf-8")
    (folder / "index.html").write_text(packages.SCO, encoding="utf-8")
    (folder / "shared.txt").write_text("\n".join(shared_list) + "\n", encoding="utf-8")
    for name in own:
        (folder / name).write_text("propre", encoding="utf-8")
    (tree / "packages" / "_shared").mkdir(exist_ok=True)
    for name in shared_files:
        (tree / "packages" / "_shared" / name).write_text("partagé", encoding="utf-8")


def test_a_folder_package_names_the_shared_files_it_takes(app, db, fixture_tree):
    _folder_package(fixture_tree, ["sco.js"], shared_files=["sco.js"])
    assert _problems(fixture_tree) == []
    _folder_package(fixture_tree, ["absent.js"], shared_files=["sco.js"])
    assert f"{fixture_tree}/modules/paquet-test/module.yaml:10: fichier partagé introuvable : packages/_shared/absent.js" \
        in _problems(fixture_tree)
    _folder_package(fixture_tree, ["../module.yaml"])
    assert any("fichier partagé introuvable : packages/_shared/../module.yaml" in p for p in _problems(fixture_tree))
    _folder_package(fixture_tree, ["sco.js"], shared_files=["sco.js"], own=["sco.js"])
    assert any("fichier à la fois dans le paquet et partagé : sco.js" in p for p in _problems(fixture_tree))
