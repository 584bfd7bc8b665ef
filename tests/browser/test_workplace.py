"""Acceptance 3 of issue 18 in a real browser, axe on every page: an agent files an incident linked to a
remontée; HR takes it in charge and records support; HR opens a barometer, 5 agents answer, results
appear; the staff representative downloads the quarterly file (its PDF text read back)."""
import io
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from app.accounts.models import Organisation
from app.extensions import db
from app.reports.models import Report
from app.workplace.models import BarometerCampaign
from tests.browser.conftest import audit_accessibility, log_in
from tests.factories import PASSWORD, UserFactory


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def test_incident_barometer_and_quarterly_file(page, live_server):
    fs = db.session.scalar(db.select(Organisation).where(Organisation.code == "FS-DEMO"))
    reference = db.session.scalar(db.select(Report.reference).where(Report.organisation_id == fs.id))
    # The demo's open campaign of this quarter makes way for the one HR opens below.
    db.session.execute(db.delete(BarometerCampaign).where(BarometerCampaign.status == "open"))
    db.session.commit()

    # 1. The agent files an incident linked to a remontée.
    log_in(page, "agent.fs@passerelle.example")
    page.goto("/conditions-de-travail/signalements")  # the header links sit in a « Conditions de travail » menu
    page.get_by_role("link", name="Signaler un incident").click()
    assert audit_accessibility(page) == []
    page.get_by_label("Date et heure").fill((datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Canal").select_option("desk")
    page.get_by_label("Nature").select_option("threat")
    page.locator("label[for=severity-2]").click()
    page.get_by_label("Contexte").select_option("online_service")
    page.get_by_label("Remontée liée").fill(reference)
    page.get_by_label("Ce qui s'est passé").fill("Le timbre refusé a provoqué des menaces ; tél 06 12 34 56 78.")
    page.locator("label[for=support_wanted-0]").click()
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "enregistré" in main and reference in main and "06 12 34 56 78" not in main
    assert audit_accessibility(page) == []
    incident_url = page.url
    log_out(page)

    # 2. HR takes it in charge, then records the support offered.
    log_in(page, "rh.fs@passerelle.example")
    page.goto(incident_url)
    for status, note in (("taken", "Appel de l'agent le jour même."), ("support_offered", "Débriefing et psychologue proposés.")):
        page.get_by_label("Nouvel état").select_option(status)
        page.get_by_label("Action menée").fill(note)
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Soutien proposé" in main and "Débriefing et psychologue proposés." in main
    assert audit_accessibility(page) == []

    # 3. HR opens a barometer; five agents answer.
    page.goto("/conditions-de-travail/barometre")
    page.get_by_label("Titre").fill("Baromètre de recette")
    page.get_by_label("Ouverture").fill(date.today().isoformat())
    page.get_by_label("Clôture").fill(date.today().isoformat())
    page.get_by_role("button", name="Ouvrir la campagne").click()
    page.wait_for_load_state()
    assert "Campagne ouverte." in page.locator("main").inner_text()
    assert audit_accessibility(page) == []
    log_out(page)
    others = [UserFactory(role="agent", organisation=fs) for _ in range(3)]
    accounts = [("agent.fs@passerelle.example", "passerelle-demo"), ("rep.fs@passerelle.example", "passerelle-demo")]
    accounts += [(u.email, PASSWORD) for u in others]
    for number, (email, password) in enumerate(accounts):
        log_in(page, email, password)
        page.goto("/conditions-de-travail/barometre")
        page.get_by_role("link", name="Répondre à « Baromètre de recette »").click()
        for radio in page.locator("fieldset").all():
            radio.locator("label").nth(2 + number % 3).click()
        if number == 0:
            assert audit_accessibility(page) == []
        page.get_by_role("button", name="Envoyer mes réponses").click()
        page.wait_for_load_state()
        assert "sans votre nom" in page.locator("main").inner_text()
        log_out(page)

    # HR closes it: the results appear (5 respondents).
    log_in(page, "rh.fs@passerelle.example")
    page.goto("/conditions-de-travail/barometre")
    page.get_by_role("link", name="Clore « Baromètre de recette »").click()
    assert audit_accessibility(page) == []
    page.get_by_role("button", name="Clore la campagne").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Résultats de « Baromètre de recette »").click()
    table = page.locator("main table").inner_text()
    assert re.search(r"\b5\b", table) and re.search(r"\d,\d", table)
    assert audit_accessibility(page) == []
    log_out(page)

    # 4. The staff representative reads the indicators and downloads the quarterly file.
    log_in(page, "rep.fs@passerelle.example")
    page.goto("/conditions-de-travail/barometre")
    page.get_by_role("link", name="Indicateurs et dossier conditions de travail").click()
    main = page.locator("main").inner_text()
    assert "Lectures croisées" in main and "Menace" in main
    assert audit_accessibility(page) == []
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le dossier du trimestre (PDF + CSV, zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
    pages = PdfReader(io.BytesIO(archive.read("dossier.pdf"))).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Dossier conditions de travail" in text and "France services de démonstration" in text
    assert "Baromètre des conditions de travail" in text and "Lectures croisées" in text
    assert "Amina" not in text  # aggregates only: no agent's name
    assert "incidents.csv" in archive.namelist()
