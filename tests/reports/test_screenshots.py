"""Screenshots (acceptance 6): re-encoded without metadata; bad files refused, nothing stored."""
import io
import os
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from werkzeug.test import EnvironBuilder

from app.reports.models import Report, ReportAttachment
from tests.factories import PASSWORD
from tests.reports.test_filing import _form

GPS_SECRET = "Passerelle-GPS-48.8566N"


def png_with_metadata():
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "AppareilSecret"  # Make
    exif[0x0131] = GPS_SECRET  # Software: any text will do to find it again
    info = PngInfo()
    info.add_text("Author", "Jean Dupont")
    out = io.BytesIO()
    image.save(out, format="PNG", exif=exif, pnginfo=info)
    return out.getvalue()


def jpeg_with_metadata():
    image = Image.new("RGB", (80, 60), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "AppareilSecret"
    exif[0x0131] = GPS_SECRET
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()


def _files(app):
    folder = Path(app.instance_path) / "reports"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _login(client, user):
    client.post("/connexion", data={"email": user.email, "password": PASSWORD})


def post_files(client, path, data):
    """POST multipart data, closing the encoded body (large bodies spill to a temporary file)."""
    builder = EnvironBuilder(path=path, method="POST", data=data, content_type="multipart/form-data")
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def _preview_then_confirm(client, world, files):
    data = _form(world)
    data["screenshots"] = [(io.BytesIO(content), name) for name, content in files]
    preview = post_files(client, "/remontees/nouvelle", data)
    assert preview.status_code == 200, preview.get_data(as_text=True)[:500]
    token = preview.get_data(as_text=True).split('name="uploads" value="')[1].split('"')[0]
    assert token
    return client.post("/remontees/nouvelle/confirmer", data={**_form(world), "uploads": token})


def test_metadata_is_stripped_from_png_and_jpeg(app, client, world, db):
    assert b"AppareilSecret" in png_with_metadata() and b"Jean Dupont" in png_with_metadata()
    _login(client, world.agent)
    response = _preview_then_confirm(client, world, [("capture.png", png_with_metadata()),
                                                     ("photo.jpeg", jpeg_with_metadata())])
    assert response.status_code == 302
    report = db.session.scalar(db.select(Report))
    rows = db.session.scalars(db.select(ReportAttachment).order_by(ReportAttachment.id)).all()
    assert [r.content_type for r in rows] == ["image/png", "image/jpeg"]
    for row in rows:
        download = client.get(f"/remontees/{report.reference}/captures/{row.id}")
        assert download.status_code == 200
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert "private" in download.headers["Cache-Control"]
        body = download.data
        download.close()
        assert b"AppareilSecret" not in body and GPS_SECRET.encode() not in body and b"Jean Dupont" not in body
        with Image.open(io.BytesIO(body)) as image:
            assert "exif" not in image.info and "Author" not in image.info
            assert not image.getexif()
            assert image.size in ((64, 48), (80, 60))
    # No pending file is left behind once the report is confirmed.
    assert not [p for p in _files(app) if "pending" in p.parts]


def test_screenshots_are_served_only_to_those_who_see_the_report(app, client, world, db):
    from app.reports.images import reencode
    from tests.reports.factories import file_report

    report = file_report(world.agent, world.caf_app, screenshots=[reencode(png_with_metadata())])
    row = db.session.scalar(db.select(ReportAttachment))
    url = f"/remontees/{report.reference}/captures/{row.id}"
    for user, status in [(world.agent, 200), (world.dev_caf, 200), (world.dev_ants, 404), (world.other_agent, 404)]:
        other = app.test_client()
        _login(other, user)
        response = other.get(url)
        assert response.status_code == status, user
        response.close()
    assert app.test_client().get(url).status_code == 302  # anonymous: to the login page
    # Stored under the instance folder, never under static.
    assert Path(app.instance_path) in (Path(app.instance_path) / "reports" / "attachments" / row.stored_name).parents
    assert not (Path(app.static_folder) / row.stored_name).exists()


BAD_FILES = {
    "html renamed png": ("capture.png", b"<!doctype html><html><script>alert(1)</script></html>",
                         "n'est pas une image PNG ou JPEG valide"),
    "truncated png": ("capture.png", None, "n'est pas une image PNG ou JPEG valide"),
    "6 MB file": ("grande.png", "big", "dépasse 5 Mo"),
    "pdf": ("document.pdf", b"%PDF-1.4", "seuls les fichiers PNG et JPEG sont acceptés"),
}


def _bad_content(kind):
    if kind is None:
        data = png_with_metadata()
        image = Image.new("RGB", (400, 400))
        image.putdata([(x % 256, (x * 7) % 256, 40) for x in range(400 * 400)])
        out = io.BytesIO()
        image.save(out, format="PNG")
        data = out.getvalue()
        return data[: len(data) // 2]
    if kind == "big":
        image = Image.frombytes("RGB", (1500, 1400), os.urandom(1500 * 1400 * 3))
        out = io.BytesIO()
        image.save(out, format="PNG")
        assert 5 * 1024 * 1024 < len(out.getvalue()) < 7 * 1024 * 1024
        return out.getvalue()
    return kind


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_and_nothing_is_stored(app, client, world, db, case):
    import html

    name, content, message = BAD_FILES[case]
    content = _bad_content(content)
    before = _files(app)
    _login(client, world.agent)
    data = _form(world)
    data["screenshots"] = [(io.BytesIO(png_with_metadata()), "bonne.png"), (io.BytesIO(content), name)]
    response = post_files(client, "/remontees/nouvelle", data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page and name in page
    assert 'id="screenshots-error"' in page
    # Everything else typed is kept.
    assert "Bouton Valider grisé à la déclaration trimestrielle" in page
    assert "le bouton Valider reste grisé" in page
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0
    assert db.session.scalar(db.select(db.func.count(ReportAttachment.id))) == 0
    assert _files(app) == before


def test_more_than_five_files_are_refused(client, world):
    _login(client, world.agent)
    data = _form(world)
    data["screenshots"] = [(io.BytesIO(png_with_metadata()), f"c{i}.png") for i in range(6)]
    response = post_files(client, "/remontees/nouvelle", data)
    assert response.status_code == 400
    assert "au plus 5 captures" in response.get_data(as_text=True)


def test_a_pending_token_of_another_agent_is_ignored(client, app, world, db):
    from app.reports import images

    with app.test_request_context():
        token = images.stash_pending(world.other_agent, [images.reencode(png_with_metadata())])
    _login(client, world.agent)
    client.post("/remontees/nouvelle/confirmer", data={**_form(world), "uploads": token})
    assert db.session.scalar(db.select(db.func.count(ReportAttachment.id))) == 0
