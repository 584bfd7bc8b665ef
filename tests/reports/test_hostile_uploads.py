"""Hostile uploads (issue 21, « Tests that must exist »): SVG, polyglots, pixel bombs, file names with
`../` or CR/LF. Screenshots of reports through the real form; evidence files through their checks."""
import html
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from app.passports import evidence
from app.reports.models import Report, ReportAttachment
from tests.passports.core_factories import pdf_bytes
from tests.reports.test_filing import _form
from tests.reports.test_screenshots import _files, _login, png_with_metadata, post_files

SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(document.cookie)</script></svg>')
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _png_claiming(width, height):
    """A tiny PNG whose header claims width x height (the pixel data is a few bytes)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def _large_but_small_png():
    """48 million pixels in a PNG of a few hundred kilobytes (one bit per pixel, all white)."""
    out = io.BytesIO()
    Image.new("1", (8000, 6000), 1).save(out, format="PNG")
    assert len(out.getvalue()) < 5 * 1024 * 1024
    return out.getvalue()


REFUSED = {
    "svg": ("capture.svg", SVG, "seuls les fichiers PNG et JPEG sont acceptés"),
    "svg renamed png": ("capture.png", SVG, "n'est pas une image PNG ou JPEG valide"),
    "html renamed jpg": ("capture.jpg", HTML, "n'est pas une image PNG ou JPEG valide"),
    "pixel bomb (header)": ("bombe.png", _png_claiming(60_000, 60_000), "bombe.png"),
    "pixel bomb (48 Mpx)": ("geante.png", "large", "trop grande"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_screenshots_are_refused_and_nothing_is_stored(app, client, world, db, case):
    name, content, message = REFUSED[case]
    if content == "large":
        content = _large_but_small_png()
    before = _files(app)
    _login(client, world.agent)
    data = _form(world)
    data["screenshots"] = [(io.BytesIO(content), name)]
    response = post_files(client, "/remontees/nouvelle", data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page
    assert "<script>alert" not in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ReportAttachment.id))) == 0
    assert _files(app) == before


def _confirm(client, world, files):
    data = _form(world)
    data["screenshots"] = [(io.BytesIO(content), name) for name, content in files]
    preview = post_files(client, "/remontees/nouvelle", data)
    assert preview.status_code == 200, preview.get_data(as_text=True)[:300]
    token = preview.get_data(as_text=True).split('name="uploads" value="')[1].split('"')[0]
    return client.post("/remontees/nouvelle/confirmer", data={**_form(world), "uploads": token})


def test_a_png_html_polyglot_is_reencoded_and_served_as_a_download(app, client, world, db):
    _login(client, world.agent)
    assert _confirm(client, world, [("capture.png", png_with_metadata() + HTML)]).status_code == 302
    row = db.session.scalar(db.select(ReportAttachment))
    stored = (Path(app.instance_path) / "reports" / "attachments" / row.stored_name).read_bytes()
    assert b"<script" not in stored and b"<html" not in stored  # re-encoded: only pixels survive
    report = db.session.scalar(db.select(Report))
    response = client.get(f"/remontees/{report.reference}/captures/{row.id}")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    response.close()


# Browsers send line breaks of a file name as %0D%0A (HTML multipart/form-data encoding).
@pytest.mark.parametrize("name", ["../../../../etc/passwd.png", "..\\..\\windows\\capture.png",
                                  "capture%0D%0ASet-Cookie: pris=1.png", "capture%0D%0A%0D%0A<html>.png"])
def test_file_names_with_dot_dot_or_line_breaks_never_reach_paths_or_headers(app, client, world, db, name):
    _login(client, world.agent)
    before = set(_files(app))
    assert _confirm(client, world, [(name, png_with_metadata())]).status_code == 302
    row = db.session.scalar(db.select(ReportAttachment))
    report = db.session.scalar(db.select(Report))
    # The stored name is ours (random), the download name derived from the reference.
    assert row.stored_name.removesuffix(".png").isalnum() and len(row.stored_name) == 36
    assert row.download_name == f"{report.reference}-capture-1.png"
    attachments = Path(app.instance_path) / "reports" / "attachments"
    assert [p for p in _files(app) if p not in before] == [attachments / row.stored_name]
    assert not (Path(app.instance_path).parent / "etc").exists()
    response = client.get(f"/remontees/{report.reference}/captures/{row.id}")
    assert "pris" not in response.headers.get("Set-Cookie", "")
    assert all("\r" not in v and "\n" not in v for _k, v in response.headers.items())
    assert ".." not in response.headers["Content-Disposition"]
    response.close()


def test_a_refused_file_with_a_hostile_name_is_named_escaped(app, client, world):
    _login(client, world.agent)
    data = _form(world)
    data["screenshots"] = [(io.BytesIO(SVG), '../<img src=x onerror=alert(1)>%0D%0A.svg')]
    response = post_files(client, "/remontees/nouvelle", data)
    assert response.status_code == 400
    assert "<img src=x" not in response.get_data(as_text=True)
    assert all("\r" not in v and "\n" not in v for _k, v in response.headers.items())


def test_evidence_pdf_html_polyglot_and_hostile_names(app):
    # A real PDF with an HTML page appended is kept as a PDF, and always downloaded as .pdf.
    checked = evidence.check_bytes(pdf_bytes() + HTML, "preuve.html")
    assert checked.kind == "pdf" and checked.content_type == "application/pdf"
    assert evidence.download_name(checked).endswith(".pdf")
    # An HTML page that merely contains a PDF header, or an SVG, is refused.
    for data, name in ((HTML + pdf_bytes(), "page.pdf"), (SVG, "dessin.svg"), (b"%PDF-1.7\n" + HTML, "faux.pdf")):
        with pytest.raises(evidence.EvidenceError):
            evidence.check_bytes(data, name)
    # Names with `../` or line breaks become plain file names.
    for hostile in ("../../etc/passwd", "..\\..\\boot.ini", "preuve\r\nSet-Cookie: x=1.pdf", "/abs/chemin.pdf"):
        cleaned = evidence.clean_filename(hostile)
        assert "/" not in cleaned and "\\" not in cleaned and ".." not in cleaned
        assert "\r" not in cleaned and "\n" not in cleaned and cleaned
