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


def test_url_builders_answer_as_url_for_under_a_prefix(app):
    with app.test_request_context("/"):
        by_reference = segment_url_builder("reports.me_too", "reference")
        for reference in ("R-2026-000042", "r-1", "R 2026/01", "é", "a.b", "..", "a?b", "%41"):
            assert by_reference(reference) == url_for("reports.me_too", reference=reference), reference
    with app.test_request_context("/", base_url="http://localhost/sous-dossier"):
        assert segment_url_builder("reports.detail", "reference")("R-2026-000042") == \
            "/sous-dossier/remontees/R-2026-000042"


SEGMENT_ENDPOINTS = {"detail": "reports.detail", "me_too": "reports.me_too"}


@pytest.mark.parametrize("base_url", ["http://localhost/", "http://localhost/sous-dossier"])
def test_segment_urls_give_url_for_s_urls_for_one_value(app, base_url):
    from app.common.urls import segment_urls

    with app.test_request_context("/", base_url=base_url):
        for reference in ("R-2026-000042", "r-1", "R 2026/01", "é", "a.b", "..", "a?b", "%41", *CODES):
            assert segment_urls(SEGMENT_ENDPOINTS, "reference", reference) == {
                name: url_for(endpoint, reference=reference) for name, endpoint in SEGMENT_ENDPOINTS.items()}


def test_segment_urls_fall_back_to_url_for_when_the_value_is_not_a_plain_path_part(app):
    from app.common.urls import segment_urls

    # backoffice.mine takes no reference: url_for puts it in the query string, and so does segment_urls.
    endpoints = {"mine": "backoffice.mine", "detail": "backoffice.detail"}
    with app.test_request_context("/"):
        assert segment_urls(endpoints, "reference", "A-1") == {
            "mine": url_for("backoffice.mine", reference="A-1"), "detail": url_for("backoffice.detail", reference="A-1")}
        assert segment_urls(endpoints, "reference", "A-1")["mine"].endswith("?reference=A-1")


def test_kept_url_is_url_for_per_script_root_and_values(app):
    from flask import url_for

    from app.common.urls import kept_url

    cases = [{}, {"status": "open", "sort": "recent"}, {"q": "a&b é <c>", "label": "3"}, {"status": "all"}]
    for root in ("", "/sous-dossier"):
        with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": root}):
            for values in cases * 2:  # built, then kept
                assert kept_url("triage.export_csv", **values) == url_for("triage.export_csv", **values)
            assert kept_url("triage.export_csv").startswith(f"{root}/equipe/")


@pytest.mark.parametrize("base_url", ["http://localhost/", "http://localhost/sous-dossier"])
@pytest.mark.parametrize("endpoint,key", [("passport.entry_detail", "entry_id"), ("hr_passport.entry", "entry_id"),
                                          ("passport.evidence_file", "file_id")])
def test_an_id_url_prefix_followed_by_the_id_gives_url_for(app, base_url, endpoint, key):
    from app.common.urls import id_url_prefix

    with app.test_request_context("/", base_url=base_url):
        for ident in (1, 42, 2147483647):
            assert id_url_prefix(endpoint, key) + str(ident) == url_for(endpoint, **{key: ident})


def test_an_id_url_prefix_refuses_an_url_that_does_not_end_with_the_id(app):
    from app.common.urls import id_url_prefix

    with app.test_request_context("/"), pytest.raises(ValueError, match="does not end with"):
        id_url_prefix("reception.edit", "visit_id")
