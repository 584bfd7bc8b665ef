"""The URL builders of app.common.urls give url_for's answer, built once per page."""
from flask import url_for

from app.common.urls import id_url_builder, text_url_builder


def test_url_builders_answer_as_url_for(app):
    with app.test_request_context("/"):
        by_reference = text_url_builder("reports.me_too", "reference")
        for reference in ("R-2026-000042", "r-1", "R 2026/01", "é", "a.b", "..", "pas-url-marker-7f3a", "a?b", "%41"):
            assert by_reference(reference) == url_for("reports.me_too", reference=reference), reference
        by_id = id_url_builder("reception.edit", "visit_id")
        for visit_id in (1, 42, 2147483647):
            assert by_id(visit_id) == url_for("reception.edit", visit_id=visit_id)
    with app.test_request_context("/", base_url="http://localhost/sous-dossier"):
        assert text_url_builder("reports.detail", "reference")("R-2026-000042") == "/sous-dossier/remontees/R-2026-000042"
