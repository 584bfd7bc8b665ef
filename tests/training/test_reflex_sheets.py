"""Fiches réflexes (issue 14 §4): one A4 page each, every fact tied to its source, for HR and tutors only."""
import io
import shutil
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from app.training import observations, reflex_sheets
from app.training.curricula.importer import CurriculaInvalid, import_curricula
from tests.factories import OrganisationFactory, UserFactory

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curricula"
SHIPPED = Path(__file__).resolve().parents[2] / "curricula"
CODES = ["urgences", "escalade", "recours", "identifiants"]


@pytest.fixture
def tree(tmp_path):
    target = tmp_path / "curricula"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def readers(db):
    org = OrganisationFactory()
    hr = UserFactory(role="hr", organisation=org)
    tutor = UserFactory(role="agent", organisation=org)
    observations.grant_tutor(hr, tutor)
    return {"hr": hr, "tutor": tutor, "org": org}


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path, needle):
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def _validate(app, directory):
    result = app.test_cli_runner().invoke(args=["curricula", "validate", str(directory)])
    # Errors only: the fixture tree has grids for part of its referential, whose warnings are tested elsewhere.
    return result.exit_code, [line for line in result.output.splitlines()
                              if ".yaml:" in line and "avertissement" not in line]


def _pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


# --- the validator: one failing fixture per class of error, with its path:line -----------------------

def test_the_fixture_sheet_is_valid_and_counted(app, tree):
    result = app.test_cli_runner().invoke(args=["curricula", "validate", str(tree)])
    assert result.exit_code == 0, result.output
    assert "1 fiche(s) réflexe(s)" in result.output


def test_an_unknown_key_is_refused_with_its_line(app, tree):
    sheet = tree / "fiches" / "essai.yaml"
    _edit(sheet, "reviewed_by:", "relu_par: \"formateur\"\nreviewed_by:")
    code, lines = _validate(app, tree)
    assert (code, lines) == (1, [f"{sheet}:{_line_of(sheet, 'relu_par')}: champ inconnu « relu_par »"])


def test_a_sheet_without_sources_is_refused(app, tree):
    sheet = tree / "fiches" / "essai.yaml"
    text = sheet.read_text(encoding="utf-8")
    without = text[:text.index("sources:\n  - id")].replace("        sources: [sp-urgences]\n", "")
    sheet.write_text(without, encoding="utf-8")
    code, lines = _validate(app, tree)
    assert (code, lines) == (1, [f"{sheet}:1: aucune source : une fiche cite la page officielle de chaque fait"])


def test_a_fact_citing_an_undeclared_source_is_refused(app, tree):
    sheet = tree / "fiches" / "essai.yaml"
    _edit(sheet, "sources: [sp-urgences]", "sources: [samu-inconnu]")
    code, lines = _validate(app, tree)
    assert (code, lines) == (1, [f"{sheet}:{_line_of(sheet, 'samu-inconnu')}: source inconnue : samu-inconnu "
                                 "(déclarez-la dans « sources »)"])


def test_an_empty_section_is_refused_with_its_line(app, tree):
    sheet = tree / "fiches" / "essai.yaml"
    _edit(sheet, "sources:\n  - id", "  - title: \"Section à écrire\"\n    items: []\nsources:\n  - id")
    code, lines = _validate(app, tree)
    assert (code, lines) == (1, [f"{sheet}:{_line_of(sheet, 'Section à écrire')}: section vide : « Section à écrire »"])


def test_the_file_name_the_module_and_its_lesson_are_checked(app, tree):
    sheet = tree / "fiches" / "essai.yaml"
    _edit(sheet, "order: 1", "order: 1\nmodule: caf-essentiel\nlesson: lecon-inconnue")
    code, lines = _validate(app, tree)
    assert (code, lines) == (1, [f"{sheet}:{_line_of(sheet, 'lesson:')}: leçon inconnue dans le module caf-essentiel : "
                                 "lecon-inconnue"])
    _edit(sheet, "module: caf-essentiel", "module: module-inconnu")
    sheet.rename(tree / "fiches" / "autre.yaml")
    moved = tree / "fiches" / "autre.yaml"
    code, lines = _validate(app, tree)
    assert code == 1 and lines == [f"{moved}:1: la fiche « essai » doit s'appeler fiches/essai.yaml",
                                   f"{moved}:{_line_of(moved, 'module:')}: module inconnu : module-inconnu"]


def test_an_invalid_sheet_stops_the_import_and_is_not_shown(tree, db):
    sheet = tree / "fiches" / "essai.yaml"
    _edit(sheet, "sources: [sp-urgences]", "sources: [samu-inconnu]")
    with pytest.raises(CurriculaInvalid):
        import_curricula(tree)
    assert reflex_sheets.all_sheets(tree) == () and reflex_sheets.sheet_for("essai", tree) is None


# --- the shipped sheets ---------------------------------------------------------------------------

def test_the_four_shipped_sheets_are_valid_in_order_and_every_fact_names_a_source():
    sheets = reflex_sheets.all_sheets(SHIPPED)
    assert [s.code for s in sheets] == CODES
    for sheet in sheets:
        assert sheet.sources and all(ref.url.startswith(("https://", "http://")) for ref in sheet.sources)
        assert any(line.refs for part in sheet.parts for line in part.lines), sheet.code
        raw = yaml.safe_load((SHIPPED / "fiches" / f"{sheet.code}.yaml").read_text(encoding="utf-8"))
        assert raw["updated"] and raw["reviewed_by"]
    recours = sheets[2]
    assert (recours.module_slug, recours.lesson_slug, recours.verification_pending) == (
        "voies-de-recours", "fiche-voies-de-recours-et-delais", False)


@pytest.mark.parametrize("code", CODES)
def test_each_sheet_page_shows_its_sources_and_its_pdf_is_one_a4_page(code, app, client, login, readers):
    sheet = reflex_sheets.sheet_for(code, app.config["CURRICULA_DIR"])
    login(user=readers["hr"])
    page = client.get(f"/formation/formateur/fiches/{code}")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert sheet.title.replace("'", "&#39;") in page.text
    for ref in sheet.sources:
        assert f'href="{ref.url}"' in page.text, ref.url
    for ref in sheet.sources:  # every source backs at least one line of the page
        assert f'href="#source-{ref.number}"' in page.text, ref.url
    response = client.get(f"/formation/formateur/fiches/{code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    pages, text = _pdf_text(response.data)
    assert pages == 1, f"{code}: {pages} pages"
    assert sheet.sources[0].url in text.replace(" ", "") or sheet.sources[0].url.replace(" ", "") in text
    reader = PdfReader(io.BytesIO(response.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_the_recours_sheet_points_to_the_full_sheet_and_shows_no_pending_notice_once_verified(
        app, client, login, readers):
    login(user=readers["tutor"])
    text = client.get("/formation/formateur/fiches/recours").text
    assert "Contenu en cours de vérification" not in text
    assert 'href="/formation/formateur/voies-de-recours"' in text
    assert 'href="/formation/modules/voies-de-recours/lecons/fiche-voies-de-recours-et-delais"' in text


def test_a_sheet_awaiting_verification_says_so(app, client, login, readers, tmp_path, monkeypatch):
    copy = tmp_path / "curricula"
    shutil.copytree(SHIPPED, copy)
    sheet = copy / "fiches" / "recours.yaml"
    _edit(sheet, "lesson: fiche-voies-de-recours-et-delais\n",
          "lesson: fiche-voies-de-recours-et-delais\nverification: pending\n")
    monkeypatch.setitem(app.config, "CURRICULA_DIR", str(copy))
    login(user=readers["tutor"])
    text = client.get("/formation/formateur/fiches/recours").text
    assert "Contenu en cours de vérification" in text


def test_a_sheet_too_long_for_one_page_shrinks_its_body_to_fit(tree):
    from app.training.reflex_pdf import reflex_sheet_pdf

    sheet = tree / "fiches" / "essai.yaml"
    lines = "".join(f'      - "Geste numéro {n} : une consigne courte mais réelle pour remplir la page."\n'
                    for n in range(48))
    _edit(sheet, '      - "Restez auprès de la personne."\n', lines)
    pages, text = _pdf_text(reflex_sheet_pdf(reflex_sheets.sheet_for("essai", tree)))
    assert pages == 1 and "Geste numéro 47" in text


# --- who reads them -------------------------------------------------------------------------------

def test_agents_without_the_capability_and_other_roles_are_refused_anonymous_sent_to_login(client, login, readers):
    assert client.get("/formation/formateur/fiches/urgences").status_code == 302
    login(user=UserFactory(role="agent", organisation=readers["org"]))
    for url in ("/formation/formateur/fiches/urgences", "/formation/formateur/fiches/urgences.pdf"):
        assert client.get(url).status_code == 403, url
    client.post("/deconnexion")
    login(role="expert")
    assert client.get("/formation/formateur/fiches/urgences").status_code == 403
    client.post("/deconnexion")
    login(user=readers["tutor"])
    assert client.get("/formation/formateur/fiches/urgences").status_code == 200
    assert client.get("/formation/formateur/fiches/inconnue").status_code == 404
    assert client.get("/formation/formateur/fiches/inconnue.pdf").status_code == 404


def test_the_sheets_are_linked_from_the_kit_the_catalogue_and_the_hr_training_page(client, login, readers):
    login(user=readers["tutor"])
    index = client.get("/formation/formateur").text
    for code in CODES:
        assert f'href="/formation/formateur/fiches/{code}"' in index
        assert f'href="/formation/formateur/fiches/{code}.pdf"' in index
    assert 'href="/formation/formateur#fiches-reflexes"' in client.get("/formation/").text
    client.post("/deconnexion")
    login(user=UserFactory(role="agent", organisation=readers["org"]))
    assert "fiches-reflexes" not in client.get("/formation/").text
    client.post("/deconnexion")
    login(user=readers["hr"])
    assert 'href="/formation/formateur#fiches-reflexes"' in client.get("/rh/formation/").text


def test_validate_refuses_a_sheet_that_cannot_fit_one_page(app, tree):
    sheet = tree / "fiches" / "essai.yaml"
    lines = "".join(f'      - "Geste numéro {n} : une consigne bien trop longue pour une fiche qui doit tenir sur une '
                    f'seule page A4 affichée près du poste d\'accueil."\n' for n in range(160))
    _edit(sheet, '      - "Restez auprès de la personne."\n', lines)
    code, found = _validate(app, tree)
    assert (code, found) == (1, [f"{sheet}:{_line_of(sheet, 'sections:')}: la fiche ne tient pas sur une page A4, même "
                                 "en petits caractères : raccourcissez-la"])


def test_the_recours_sheet_reuses_the_sources_of_the_module_it_summarises():
    """The one-page summary cites only pages the full « voies de recours et délais » module already cites."""
    module = yaml.safe_load((SHIPPED / "modules" / "voies-de-recours" / "module.yaml").read_text(encoding="utf-8"))
    module_urls = {source["url"] for source in module["sources"]}
    sheet = reflex_sheets.sheet_for("recours", SHIPPED)
    assert {ref.url for ref in sheet.sources} <= module_urls


def test_a_sheet_reviewed_more_than_12_months_ago_is_a_warning_not_an_error(app, tree):
    sheet = tree / "fiches" / "essai.yaml"
    _edit(sheet, "updated: 2026-11-30", "updated: 2024-01-15")
    result = app.test_cli_runner().invoke(args=["curricula", "validate", str(tree)])
    assert result.exit_code == 0, result.output
    assert (f"{sheet}:{_line_of(sheet, 'updated:')}: avertissement : fiche relue le 15/01/2024, il y a plus de "
            "12 mois : à relire") in result.output
