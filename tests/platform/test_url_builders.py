"""The URL builders of long tables give exactly what url_for gives, for every value."""
import pytest
from flask import url_for

from app.common.urls import id_url_builder, segment_url_builder

CODES = ["FS-DEMO", "69 Lyon", "a/b", "é-ü", "50%", "x?y=1", "#1", "__passerelle_segment__", "!$&'()*+,:;=@"]


@pytest.mark.parametrize("code", CODES)
def test_a_segment_builder_quotes_a_code_as_url_for_does(app, code):
    with app.test_request_context("/"):
        href = segment_url_builder("reception_quality.organisation", "code", periode="2026-T4")
        assert href(code) == url_for("reception_quality.organisation", code=code, periode="2026-T4")


@pytest.mark.parametrize("ident", [1, 42, 2147483647, "17"])
def test_an_id_builder_gives_url_for(app, ident):
    with app.test_request_context("/"):
        href = id_url_builder("reception.edit", "visit_id")
        assert href(ident) == url_for("reception.edit", visit_id=int(ident))
