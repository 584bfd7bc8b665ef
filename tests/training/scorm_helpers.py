"""Build SCORM packages for the tests: a good one, and each kind of broken one."""
import io
import stat
import zipfile
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curricula"

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="test" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Paquet de test</title>
    <item identifier="item" identifierref="res"><title>SCO</title></item>
  </organization></organizations>
  <resources>
    <resource identifier="res" type="webcontent" adlcp:scormtype="sco" href="{href}">
      <file href="{href}"/>
    </resource>
  </resources>
</manifest>
"""
SCO = "<!DOCTYPE html><html lang='fr'><head><title>SCO</title></head><body><p>Bonjour</p></body></html>"


def build_zip(entries):
    """entries: [(name, bytes) or (ZipInfo, bytes)] -> zip bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if isinstance(name, str):  # a fixed date: the same entries give the same bytes
                name = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                name.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(name, data)
    return buffer.getvalue()


def good_package(href="index.html", body=SCO):
    return build_zip([("imsmanifest.xml", MANIFEST_12.format(href=href)), (href, body)])


def missing_manifest():
    return build_zip([("index.html", SCO)])


def bad_href():
    return build_zip([("imsmanifest.xml", MANIFEST_12.format(href="absent.html")), ("index.html", SCO)])


def zip_slip():
    return build_zip([("imsmanifest.xml", MANIFEST_12.format(href="index.html")), ("index.html", SCO),
                      ("../../evil.html", "<p>dehors</p>")])


def zip_bomb():
    return build_zip([("imsmanifest.xml", MANIFEST_12.format(href="index.html")), ("index.html", SCO),
                      ("padding.bin", b"\0" * (20 * 1024 * 1024))])


def symlink():
    link = zipfile.ZipInfo("lien.html")
    link.create_system = 3  # Unix: the mode bits below are read
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return build_zip([("imsmanifest.xml", MANIFEST_12.format(href="index.html")), ("index.html", SCO),
                      (link, "/etc/passwd")])


PACKAGE_MODULE = """slug: paquet-test
title: "Paquet de test"
format: package
kind: core
summary: "Un module de test dont le contenu est un paquet SCORM 1.2."
duration_minutes: 10
competencies:
  - code: A1.1
    level: 2
package: {package}
sources:
  - title: "Tests de Passerelle"
"""


def add_package_module(tree, data, name="paquet-test.zip"):
    """Add the `paquet-test` module and its zip to a curricula folder."""
    (tree / "packages").mkdir(exist_ok=True)
    (tree / "packages" / name).write_bytes(data)
    folder = tree / "modules" / "paquet-test"
    folder.mkdir(exist_ok=True)
    (folder / "module.yaml").write_text(PACKAGE_MODULE.format(package=name), encoding="utf-8")


def import_package_module(tree, data=None):
    """Import the fixture curricula plus the `paquet-test` module; returns the Module."""
    from app.extensions import db
    from app.training.curricula.importer import import_curricula
    from app.training.models import Module

    add_package_module(tree, data or good_package())
    import_curricula(tree)
    return db.session.scalar(db.select(Module).where(Module.slug == "paquet-test"))


def cmi_12(status="incomplete", raw="", location="1", suspend='{"screen":1}'):
    return {"cmi": {"suspend_data": suspend, "core": {"lesson_status": status, "lesson_location": location,
                                                      "session_time": "00:01:30", "score": {"raw": raw, "min": "", "max": "100"}}}}
