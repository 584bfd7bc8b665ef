"""Acceptance 1 of the SCORM issue: an agent plays the demo SCORM 1.2 and 2004 packages, leaves mid-way,
resumes, completes; the dashboard, the passport and the attestation follow. axe audits the pages."""
import pytest

from app.extensions import db as _db
from app.passports.models import PassportEntry
from app.training.models import Module, ModuleCompletion
from app.training.packages.models import PackageAttempt
from tests import db_states
from tests.browser.conftest import audit_accessibility, log_in

PACKAGES = [
    ("fiche-reflexe-signalement", "Fiche réflexe : signaler un service en ligne qui bloque",
     [("q1", "Je fais décrire l'étape"), ("q2", "Le service, l'étape"), ("q3", "Une solution d'attente")]),
    ("fiche-reflexe-personne-en-colere", "Fiche réflexe : accueillir une personne en colère",
     [("q1", "L'écouter sans l'interrompre"), ("q2", "Je comprends que cette attente"), ("q3", "Vous passez le relais")]),
]


@pytest.fixture
def strict_page(browser, live_server, demo):
    """A page that keeps every Content-Security-Policy (the `page` fixture bypasses them for axe)."""
    context = browser.new_context(base_url=live_server, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors
    yield page
    context.close()


def _progress(page):
    return int(page.locator("progress").first.get_attribute("value"))


def _answer(frame, text, button):
    frame.locator("label", has_text=text).click()
    frame.get_by_role("button", name=button).click()


def _attempt(slug):
    _db.session.expire_all()
    module = _db.session.scalar(_db.select(Module).where(Module.slug == slug))
    return _db.session.scalar(_db.select(PackageAttempt).where(PackageAttempt.version_id == module.current_version_id))


@pytest.mark.parametrize("slug, title, answers", PACKAGES, ids=["scorm12", "scorm2004"])
def test_agent_plays_resumes_and_completes_a_package(page, strict_page, live_server, tmp_path, slug, title, answers):
    db_states.enter("curricula+demo")  # the demo agent follows the initial path, which holds both packages
    log_in(strict_page, "agent.fs@passerelle.example")
    strict_page.goto("/agent")
    before = _progress(strict_page)

    strict_page.goto(f"/formation/modules/{slug}")
    assert strict_page.get_by_role("heading", level=1).inner_text() == title
    strict_page.get_by_role("link", name="Lancer le module").click()
    frame = strict_page.frame_locator("#scorm-frame")
    frame.get_by_role("button", name="Commencer le questionnaire").click()
    _answer(frame, answers[0][1], "Question suivante")
    frame.get_by_role("heading", name="Question 2 sur 3").wait_for()
    strict_page.get_by_text("Progression enregistrée.").wait_for()
    attempt = _attempt(slug)
    assert attempt is not None and attempt.completion_status == "incomplete"
    assert '"q1"' in str(attempt.cmi)  # the answers so far, in suspend_data

    # The agent leaves mid-way, then comes back: the package opens at question 2, question 1 answered.
    strict_page.goto("/agent")
    strict_page.goto(f"/formation/modules/{slug}")
    assert "En cours" in strict_page.content()
    strict_page.get_by_role("link", name="Reprendre le module").click()
    assert "Vous reprenez là où vous vous étiez arrêté." in strict_page.content()
    frame = strict_page.frame_locator("#scorm-frame")
    frame.get_by_role("heading", name="Question 2 sur 3").wait_for()
    _answer(frame, answers[1][1], "Question suivante")
    _answer(frame, answers[2][1], "Voir mon résultat")
    assert frame.locator("[data-score]").inner_text() == "100 %"
    strict_page.get_by_text("Progression enregistrée.").wait_for()

    attempt = _attempt(slug)
    assert attempt.completion_status == "completed" and attempt.score == 100
    completion = _db.session.scalar(_db.select(ModuleCompletion).where(ModuleCompletion.version_id == attempt.version_id))
    assert completion is not None and completion.score == 100
    assert attempt.total_seconds >= 0 and attempt.commits >= 4
    assert strict_page.errors == []  # no CSP refusal, no failed commit (the final beacon included)

    strict_page.goto("/agent")
    assert _progress(strict_page) > before
    strict_page.goto(f"/formation/modules/{slug}")
    assert "Module terminé le" in strict_page.content()
    entries = _db.session.scalars(_db.select(PassportEntry).where(
        PassportEntry.module_version_id == attempt.version_id, PassportEntry.source == "training")).all()
    assert len(entries) == 2  # the training lines, through the module_completed signal
    strict_page.goto("/passeport/")
    assert entries[0].competency.title in strict_page.content()
    strict_page.goto(f"/formation/modules/{slug}/attestation")
    assert title in strict_page.content()
    with strict_page.expect_download() as info:
        strict_page.get_by_role("link", name="Télécharger l'attestation (PDF)").click()
    target = tmp_path / "attestation.pdf"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")

    # axe on the module page and the player (in a context that lets axe's script in).
    log_in(page, "agent.fs@passerelle.example")
    page.goto(f"/formation/modules/{slug}")
    assert audit_accessibility(page) == []
    page.get_by_role("link", name="Reprendre le module").click()
    page.frame_locator("#scorm-frame").get_by_role("heading", name="Votre résultat").wait_for()
    assert audit_accessibility(page) == []


def test_module_page_says_it_needs_javascript(browser, live_server, demo):
    db_states.enter("demo+curricula")
    context = browser.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    log_in(page, "agent.fs@passerelle.example")
    page.goto("/formation/modules/fiche-reflexe-signalement")
    assert page.get_by_role("heading", name="Ce module a besoin de JavaScript").is_visible()
    page.goto("/formation/modules/fiche-reflexe-signalement/paquet")
    assert page.get_by_role("heading", name="Ce module a besoin de JavaScript").is_visible()
    assert not page.locator("#scorm-frame").is_visible()
    context.close()


def test_admin_package_and_lrs_pages_pass_axe(page, live_server):
    db_states.enter("demo+curricula")
    log_in(page, "admin@passerelle.example")
    page.goto("/admin/paquets/")
    assert "Fiche réflexe : accueillir une personne en colère" in page.content()
    assert audit_accessibility(page) == []
    page.goto("/admin/lrs/")
    assert "Aucun LRS configuré" in page.content()
    assert audit_accessibility(page) == []
