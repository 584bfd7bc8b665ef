"""Object-level access: a user of another scope reaches none of someone else's objects.

For each object type (passport entry, evidence file, quiz attempt, report, screenshot, API token,
exports), every route naming the object is tried with GET, POST, PATCH and DELETE by users of another
scope, in HTML and in the API. A method the route defines answers 404 (403 when the route is for
another role); a method it does not define answers 405. The database is unchanged afterwards: the row
count of every table and every column of the object.
"""
import io
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from werkzeug.exceptions import MethodNotAllowed, NotFound

from app.accounts import services as accounts
from app.extensions import db
from app.passports import evidence
from app.passports import services as passports
from app.reports.images import reencode
from app.reports.models import Report, ReportAttachment
from app.reports.team_settings import create_team_token
from app.training import learning
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory
from tests.passports.core_factories import CompetencyFactory, EntryFactory, pdf_bytes
from tests.reports.factories import ApplicationFactory, OperatorFactory, file_report
from tests.reports.test_screenshots import png_with_metadata
from tests.training.learning_helpers import WRONG, fixture_path, import_fixture_curricula, module

METHODS = ("GET", "POST", "PATCH", "DELETE")

# What an attacker would send: every field any of these routes reads, with values that would act.
FORM = {
    "decision": "validate", "version": "1", "comment": "Vu.", "reason": "Parce que.", "description": "Piraté",
    "level": "3", "status": "closed", "message": "Intrusion", "body": "Intrusion", "confirm": "y",
    "people_affected": "5", "workaround_text": "Contournement", "assignee": "", "tracker_url":
    "https://exemple.fr/1", "tracker_key": "X-1", "target": "1", "label": "x",
}
# The API validates bodies before scoping: each route gets a body it would accept.
JSON_BY_SUFFIX = {
    "/submit": {}, "/decision": {"decision": "validate", "version": 1, "comment": "Vu."},
    "/comments": {"body": "Intrusion"}, "/me-too": {"people_affected": 5},
    "/messages": {"body": "Intrusion"}, "/take": {}, "/close": {"useful": "yes"},
    "/answers": {"answers": []},
}
JSON_PATCH = {"status": "acknowledged"}


def json_for(path):
    if "/consultations/" in path and path.endswith("/close"):
        return {"outcome": "Clos par quelqu'un d'autre."}
    return next((body for suffix, body in JSON_BY_SUFFIX.items() if path.endswith(suffix)), JSON_PATCH)


@dataclass
class Actor:
    user: object
    client: object
    headers: dict


@pytest.fixture
def actor(app):
    def make(user):
        client = app.test_client()
        response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        _token, raw = accounts.create_api_token(user, user)
        return Actor(user, client, {"Authorization": f"Bearer {raw}"})

    return make


def table_counts():
    return {
        table.name: db.session.execute(db.select(db.func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


def columns(obj):
    db.session.expire_all()
    fresh = db.session.get(type(obj), obj.id)
    return {column.key: getattr(fresh, column.key) for column in type(obj).__table__.columns}


def defined_methods(app, path):
    adapter = app.url_map.bind("localhost")
    found = set()
    for method in METHODS:
        try:
            adapter.match(path, method=method)
        except MethodNotAllowed:
            continue
        except NotFound:
            raise AssertionError(f"{path} is not a route") from None
        found.add(method)
    assert found, path
    return found


def attempt_all(app, actor, path, expected, api=False):
    """Every method on `path` as `actor`: `expected` where defined, 405 elsewhere. Returns the count."""
    allowed = defined_methods(app, path)
    for method in METHODS:
        if api:
            response = actor.client.open(path, method=method, headers=actor.headers,
                                         json=json_for(path) if method != "GET" else None)
        else:
            response = actor.client.open(path, method=method, data=FORM if method != "GET" else None)
        status = response.status_code
        response.close()
        want = expected if method in allowed else 405
        assert status == want, (method, path, actor.user.role, status, response.get_data(as_text=True)[:300])
    return len(METHODS)


def assert_unchanged(before_counts, objects_before):
    assert table_counts() == before_counts
    for obj, before in objects_before:
        assert columns(obj) == before, type(obj).__name__


# --- passport entries and evidence files -------------------------------------------------------------


@pytest.fixture
def passport_world(app):
    org = OrganisationFactory()
    holder = UserFactory(role="agent", organisation=org)
    competency = CompetencyFactory()
    with app.test_request_context():
        entry = passports.declare_entry(holder, competency.code, 2, "J'accueille seule au guichet tous les matins.",
                                        [evidence.check_bytes(pdf_bytes(), "preuve.pdf")])
        passports.submit_entry(holder, entry)
    validated = EntryFactory(holder=holder, competency=CompetencyFactory(), status="validated")
    return org, holder, entry, validated


def test_passport_entries_and_evidence_files_of_another_scope(app, actor, passport_world):
    org, holder, entry, validated = passport_world
    evidence_file = entry.files[0]
    colleague = actor(UserFactory(role="agent", organisation=org))  # same organisation, another agent
    other_hr = actor(UserFactory(role="hr", organisation=OrganisationFactory()))
    before = table_counts()
    objects = [(entry, columns(entry)), (validated, columns(validated)), (evidence_file, columns(evidence_file))]
    tried = 0
    for target in (entry, validated):
        agent_routes = [f"/passeport/lignes/{target.id}", f"/passeport/lignes/{target.id}/modifier",
                        f"/passeport/lignes/{target.id}/soumettre", f"/passeport/lignes/{target.id}/preuves",
                        f"/passeport/lignes/{target.id}/renouveler"]
        hr_routes = [f"/rh/passeports/lignes/{target.id}", f"/rh/passeports/lignes/{target.id}/decision",
                     f"/rh/passeports/lignes/{target.id}/revocation"]
        for path in agent_routes:
            tried += attempt_all(app, colleague, path, 404)
            tried += attempt_all(app, other_hr, path, 403)
        for path in hr_routes:
            tried += attempt_all(app, other_hr, path, 404)
            tried += attempt_all(app, colleague, path, 403)
        tried += attempt_all(app, colleague, f"/api/v1/me/passport/entries/{target.id}/submit", 404, api=True)
        tried += attempt_all(app, other_hr, f"/api/v1/passport-entries/{target.id}/decision", 404, api=True)
        tried += attempt_all(app, colleague, f"/api/v1/passport-entries/{target.id}/decision", 403, api=True)
    # The holder's passport seen through the HR agent page of another organisation.
    tried += attempt_all(app, other_hr, f"/rh/passeports/agents/{holder.id}", 404)
    tried += attempt_all(app, other_hr, f"/rh/passeports/agents/{holder.id}/observation", 404)
    tried += attempt_all(app, colleague, f"/passeport/preuves/{evidence_file.id}", 404)
    tried += attempt_all(app, other_hr, f"/passeport/preuves/{evidence_file.id}", 404)
    assert_unchanged(before, objects)
    assert tried == 2 * (5 * 2 + 3 * 2 + 3) * 4 + 4 * 4


def test_the_passport_document_and_pdf_exports_hold_only_your_own_entries(app, actor, passport_world):
    _org, holder, entry, _validated = passport_world
    title = entry.competency.title
    owner = actor(holder)
    stranger = actor(UserFactory(role="agent", organisation=OrganisationFactory()))

    def pdf_text(response):
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)

    before = table_counts()
    # The owner's documents name the competency (the check below is meaningful)...
    assert title in pdf_text(owner.client.get("/passeport/document.pdf"))
    # ... the stranger's do not, in HTML, PDF and API.
    assert title not in pdf_text(stranger.client.get("/passeport/document.pdf"))
    assert title not in pdf_text(stranger.client.get("/api/v1/me/passport/pdf", headers=stranger.headers))
    assert title not in stranger.client.get("/passeport/document").get_data(as_text=True)
    assert str(entry.id) not in str([e["id"] for e in stranger.client.get(
        "/api/v1/me/passport", headers=stranger.headers).get_json()["items"]])
    assert table_counts() == before


# --- quiz attempts --------------------------------------------------------------------------------


def test_quiz_attempts_of_another_agent(app, actor):
    import_fixture_curricula()
    owner = UserFactory(role="agent")
    mod = module("accueil-base")
    for lesson in mod.current_version.lessons:
        learning.mark_lesson_done(owner, mod, lesson)
    outcome = learning.submit_attempt(owner, mod, WRONG["accueil-base"])
    attempt = outcome.attempt
    colleague = actor(UserFactory(role="agent", organisation=owner.organisation))
    hr = actor(UserFactory(role="hr", organisation=OrganisationFactory()))
    before = table_counts()
    objects = [(attempt, columns(attempt))]
    path = f"/formation/modules/{mod.slug}/quiz/tentatives/{attempt.id}"
    attempt_all(app, colleague, path, 404)
    attempt_all(app, hr, path, 403)
    assert_unchanged(before, objects)


def test_a_personal_path_of_another_agent(app, actor):
    from app.training.models import TrainingPath

    import_fixture_curricula()
    owner = UserFactory(role="agent")
    path = TrainingPath(code=f"PERSO-{owner.id}-1", title="Mon parcours vers le métier : X", description="",
                        owner_id=owner.id)
    db.session.add(path)
    db.session.commit()
    enrolment = learning.enrol(owner, path)
    colleague = actor(UserFactory(role="agent", organisation=owner.organisation))
    hr = actor(UserFactory(role="hr", organisation=owner.organisation))
    before = table_counts()
    objects = [(enrolment, columns(enrolment)), (path, columns(path))]
    for route in (f"/formation/parcours/{path.code}", f"/formation/parcours/{path.code}/inscription",
                  f"/formation/parcours/{path.code}/partage"):
        attempt_all(app, colleague, route, 404)
        attempt_all(app, hr, route, 403)
    assert_unchanged(before, objects)


def test_hr_training_export_holds_only_the_hr_organisation(app, actor):
    import_fixture_curricula()
    owner = UserFactory(role="agent", full_name="Agente Hors Périmètre")
    learning.enrol(owner, fixture_path())
    hr_same = actor(UserFactory(role="hr", organisation=owner.organisation))
    hr_other = actor(UserFactory(role="hr", organisation=OrganisationFactory()))
    assert "Agente Hors Périmètre" in hr_same.client.get("/rh/formation/export.csv").get_data(as_text=True)
    exported = hr_other.client.get("/rh/formation/export.csv")
    assert exported.status_code == 200
    assert "Agente Hors Périmètre" not in exported.get_data(as_text=True)


# --- reports and screenshots ----------------------------------------------------------------------


@pytest.fixture
def report_world(db):
    from tests.factories import TeamFactory

    caf_team = TeamFactory(code="TEAM-CAF-OBJ")
    other_team = TeamFactory(code="TEAM-OTHER-OBJ")
    caf_app = ApplicationFactory(code="caf-obj", name="caf.fr", team=caf_team,
                                 operator=OperatorFactory(code="CNAF-OBJ", name="Caf"))
    author = UserFactory(role="agent")
    report = file_report(author, caf_app, screenshots=[reencode(png_with_metadata())],
                         title="Bouton figé au guichet Zéphyrin")
    attachment = db.session.scalar(db.select(ReportAttachment).where(ReportAttachment.report_id == report.id))
    return caf_team, other_team, author, report, attachment


def test_reports_and_screenshots_of_another_scope(app, actor, report_world):
    _caf_team, other_team, author, report, attachment = report_world
    ref = report.reference
    stranger = actor(UserFactory(role="agent", organisation=OrganisationFactory()))
    other_triager = actor(UserFactory(role="triager", team=other_team))
    before = table_counts()
    objects = [(report, columns(report)), (attachment, columns(attachment))]
    tried = 0
    shared = [f"/remontees/{ref}", f"/remontees/{ref}/captures/{attachment.id}"]
    agent_only = [f"/remontees/{ref}/retirer", f"/remontees/{ref}/message"]
    triage = [f"/equipe/remontees/{ref}/{action}"
              for action in ("statut", "contournement", "commentaire", "assignation", "ticket", "fusion",
                             "reponse", "accuse-reception", "etiquettes")]
    for path in shared:
        tried += attempt_all(app, stranger, path, 404)
        tried += attempt_all(app, other_triager, path, 404)
    for path in agent_only:
        tried += attempt_all(app, stranger, path, 404)
        tried += attempt_all(app, other_triager, path, 403)
    # "Moi aussi" is open to every agent by design (it joins the report); other roles are refused.
    tried += attempt_all(app, other_triager, f"/remontees/{ref}/moi-aussi", 403)
    tried += attempt_all(app, other_triager, f"/api/v1/reports/{report.id}/me-too", 403, api=True)
    for path in triage:
        tried += attempt_all(app, other_triager, path, 404)
        tried += attempt_all(app, stranger, path, 403)
    for key in (report.id, ref):
        path = f"/api/v1/reports/{key}"
        get_or_patch = defined_methods(app, path)
        assert get_or_patch == {"GET", "PATCH"}
        # GET is open to agents and triagers (404 out of scope), PATCH to triagers only.
        for who, patch_status in ((stranger, 403), (other_triager, 404)):
            response = who.client.get(path, headers=who.headers)
            assert response.status_code == 404
            response = who.client.patch(path, headers=who.headers, json=JSON_PATCH)
            assert response.status_code == patch_status
            for method in ("POST", "DELETE"):
                assert who.client.open(path, method=method, headers=who.headers, json=JSON_PATCH).status_code == 405
            tried += 4
        tried += attempt_all(app, stranger, f"/api/v1/reports/{key}/comments", 404, api=True)
        tried += attempt_all(app, other_triager, f"/api/v1/reports/{key}/comments", 404, api=True)
    assert_unchanged(before, objects)
    assert author.id == db.session.get(Report, report.id).author_id


def test_triage_csv_export_holds_only_the_team_reports(app, actor, report_world):
    caf_team, other_team, _author, report, _attachment = report_world
    own = actor(UserFactory(role="triager", team=caf_team))
    other = actor(UserFactory(role="triager", team=other_team))
    assert report.reference in own.client.get("/equipe/remontees/export.csv").get_data(as_text=True)
    exported = other.client.get("/equipe/remontees/export.csv")
    assert exported.status_code == 200
    body = exported.get_data(as_text=True)
    assert report.reference not in body and "Zéphyrin" not in body
    listed = other.client.get("/api/v1/reports", headers=other.headers).get_json()["items"]
    assert report.reference not in str(listed)


# --- API tokens -----------------------------------------------------------------------------------


def test_api_tokens_of_another_user_or_team(app, actor, report_world):
    caf_team, other_team, author, _report, _attachment = report_world
    personal, _raw = accounts.create_api_token(author, author, "le mien")
    team_token, _raw = create_team_token(UserFactory(role="triager", team=caf_team), caf_team, "équipe")
    stranger = actor(UserFactory(role="agent", organisation=author.organisation))
    other_triager = actor(UserFactory(role="triager", team=other_team))
    before = table_counts()
    objects = [(personal, columns(personal)), (team_token, columns(team_token))]
    for who in (stranger, other_triager):
        attempt_all(app, who, f"/compte/jetons/{personal.id}/revoquer", 404)
    attempt_all(app, other_triager, f"/equipe/reglages/jetons/{team_token.id}/revoquer", 404)
    attempt_all(app, stranger, f"/equipe/reglages/jetons/{team_token.id}/revoquer", 403)
    # Nor through someone's own token route with the other's id.
    attempt_all(app, other_triager, f"/compte/jetons/{team_token.id}/revoquer", 404)
    assert_unchanged(before, objects)
    assert columns(personal)["revoked_at"] is None and columns(team_token)["revoked_at"] is None


# --- support requests (appui expert) ------------------------------------------------------------------


def test_support_requests_of_another_scope(app, actor):
    from app.backoffice.models import SupportAttachment, SupportRequest
    from tests.backoffice.factories import CITIZEN, CONSENT, agent, expert, group

    group(experts=[expert()])
    group("APPUI-CPAM-69", operator="cpam")
    author = agent()
    with app.test_request_context():
        from app.backoffice import requests as support

        row = support.create_request(author, {"operator": "caf", "subject": "RSA", "situation": "Suspendu."},
                                     CITIZEN, CONSENT, [("piece.pdf", pdf_bytes())])
    attachment = db.session.scalar(db.select(SupportAttachment))
    ref = row.reference
    stranger = actor(UserFactory(role="agent", organisation=OrganisationFactory()))
    other_expert = actor(expert(operator="cpam"))
    hr = actor(UserFactory(role="hr", organisation=author.organisation))
    triager = actor(UserFactory(role="triager"))
    other_hr = actor(UserFactory(role="hr", organisation=OrganisationFactory()))
    before = table_counts()
    objects = [(row, columns(row)), (attachment, columns(attachment))]
    base = f"/appui/demandes/{ref}"
    for path in (base, f"{base}/pieces/{attachment.id}"):
        attempt_all(app, stranger, path, 404)
        attempt_all(app, other_expert, path, 404)
        attempt_all(app, hr, path, 403)
        attempt_all(app, triager, path, 403)
    for action in ("message", "cloture", "partage", "confier", "consentement/retrait", "recepisse.pdf", "debrief",
                   "debrief/1/accepter"):
        attempt_all(app, stranger, f"{base}/{action}", 404)
        attempt_all(app, other_expert, f"{base}/{action}", 403)
        attempt_all(app, hr, f"{base}/{action}", 403)
    for action in ("prendre", "reponse", "note", "reorienter", "inviter", "transfert", "fiche", "debrief/1/creneau",
                   "debrief/1/compte-rendu", "remontee"):
        attempt_all(app, other_expert, f"{base}/{action}", 404)
        attempt_all(app, stranger, f"{base}/{action}", 403)
        attempt_all(app, triager, f"{base}/{action}", 403)
    api = f"/api/v1/support-requests/{ref}"
    for path in (api, f"{api}/messages"):
        attempt_all(app, stranger, path, 404, api=True)
        attempt_all(app, other_expert, path, 404, api=True)
        attempt_all(app, hr, path, 403, api=True)
    attempt_all(app, other_expert, f"{api}/take", 404, api=True)
    attempt_all(app, stranger, f"{api}/take", 403, api=True)
    attempt_all(app, stranger, f"{api}/close", 404, api=True)
    attempt_all(app, other_expert, f"{api}/close", 403, api=True)
    for who in (stranger, other_expert):
        listed = who.client.get("/api/v1/support-requests", headers=who.headers).get_json()["items"]
        assert listed == []
    # HR of another organisation: the hand-over page of the request is not found (own organisation: 200).
    attempt_all(app, other_hr, f"/rh/appui/demandes/{ref}/confier", 404)
    assert ref not in other_hr.client.get("/rh/appui/demandes").get_data(as_text=True)
    assert hr.client.get(f"/rh/appui/demandes/{ref}/confier").status_code == 200
    assert_unchanged(before, objects)
    assert db.session.get(SupportRequest, row.id).author_id == author.id


# --- reception: desk-log rows, site tokens, quality indicators ---------------------------------------


@pytest.fixture
def reception_world(app):
    from app.reception import services as reception

    fs = OrganisationFactory(code="FS-DEMO", department="69")
    caf = OrganisationFactory(code="CAF-DEMO", department="69")
    paris = OrganisationFactory(code="FS-PARIS", department="75")
    author = UserFactory(role="agent", organisation=caf)
    visit = reception.record_visit(author, reception.clean_visit(
        {"channel": "phone", "operators": ["caf"], "outcome": "resolved", "duration": "lt5"}))
    caf_hr = UserFactory(role="hr", organisation=caf)
    token, _raw = reception.create_site_token(caf_hr, "Borne")
    return fs, caf, paris, visit, token


def test_reception_objects_of_another_scope(app, actor, reception_world):
    from app.reception import services as reception

    fs, caf, paris, visit, token = reception_world
    fs_hr = actor(UserFactory(role="hr", organisation=fs))
    colleague = actor(UserFactory(role="agent", organisation=caf))  # same organisation, another agent
    network = actor(UserFactory(role="manager_network"))
    reception.assign_department(None, network.user, "75")
    before = table_counts()
    objects = [(visit, columns(visit)), (token, columns(token))]
    # An HR of FS-DEMO reaches none of CAF-DEMO's indicators (page, CSV, quarterly sheet).
    for path in ("/qualite/structure/CAF-DEMO", "/qualite/structure/CAF-DEMO/indicateurs.csv",
                 "/qualite/structure/CAF-DEMO/fiche.pdf"):
        attempt_all(app, fs_hr, path, 404)
        attempt_all(app, network, path, 404)  # another département
    attempt_all(app, fs_hr, "/qualite/departement/69", 403)
    attempt_all(app, network, "/qualite/departement/69", 404)
    attempt_all(app, network, "/qualite/departement/69/indicateurs.csv", 404)
    attempt_all(app, fs_hr, "/qualite/national/france/indicateurs.csv", 404)
    attempt_all(app, colleague, f"/accueil/registre/{visit.id}/modifier", 404)
    attempt_all(app, fs_hr, f"/rh/accueil/jetons/{token.id}/revoquer", 404)
    assert_unchanged(before, objects)
    own = fs_hr.client.get("/qualite/structure/FS-DEMO")
    assert own.status_code == 200


def test_the_votre_avis_page_is_the_only_anonymous_reception_route(app):
    from app.common.access import PUBLIC, rule_for

    reception_blueprints = ("reception", "reception_hr", "reception_quality", "voice", "api_reception")
    public = {rule.endpoint for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in reception_blueprints and rule_for(app, rule.endpoint)[0] == PUBLIC}
    assert public == {"voice.answer"}


# --- consultations --------------------------------------------------------------------------------


@pytest.fixture
def consultation_world(app):
    from app.consultations import services as consultations
    from app.consultations.models import ParticipationAttachment

    caf_team, other_team = TeamFactory(code="TEAM-CAF"), TeamFactory(code="TEAM-OTHER")
    caf_app = ApplicationFactory(code="caf-fr", team=caf_team, operator=OperatorFactory(code="CNAF"))
    reporter = UserFactory(role="agent", organisation=OrganisationFactory())
    file_report(reporter, caf_app)
    dev = UserFactory(role="triager", team=caf_team)
    consultation = consultations.create_consultation(dev, caf_team, {
        "application_id": caf_app.id, "kind": "survey", "title": "Questionnaire Zéphyrin",
        "purpose": "Ce qui gêne sur la déclaration.", "targeting": "reporters"},
        [{"kind": "scale", "text": "Clair ?"}, {"kind": "text", "text": "Remarques ?"}], publish=True,
        screenshots=[reencode(png_with_metadata())])
    consultations.submit_answers(reporter, consultation, {consultation.questions[1].id: "Réponse Zéphyrin"},
                                 screenshots=[reencode(png_with_metadata())])
    attachment = db.session.scalar(db.select(ParticipationAttachment))
    return consultation, attachment, other_team


def test_consultations_results_and_screenshots_of_another_scope(app, actor, consultation_world):
    """Another team sees none of a team's consultations; an agent outside the target gets 404."""
    from app.consultations.models import Participation

    consultation, attachment, other_team = consultation_world
    participation = db.session.get(Participation, attachment.participation_id)
    stranger = actor(UserFactory(role="agent", organisation=OrganisationFactory()))
    other_triager = actor(UserFactory(role="triager", team=other_team))
    _token, raw = create_team_token(other_triager.user, other_team)
    other_team_token = Actor(other_triager.user, other_triager.client, {"Authorization": f"Bearer {raw}"})
    before = table_counts()
    objects = [(consultation, columns(consultation)), (participation, columns(participation))]
    base = f"/equipe/consultations/{consultation.id}"
    team = [base, f"{base}/modifier", f"{base}/publier", f"{base}/export.csv", f"{base}/cloturer",
            f"{base}/captures/{attachment.id}"]
    agent = [f"/consultations/{consultation.id}{suffix}" for suffix in ("", "/participer", "/repondre", "/retirer")]
    for path in team:
        attempt_all(app, other_triager, path, 404)
        attempt_all(app, stranger, path, 403)
    for path in agent:
        attempt_all(app, stranger, path, 404)
        attempt_all(app, other_triager, path, 403)
    prototype_image = f"/consultations/{consultation.id}/maquette/{consultation.images[0].id}"
    attempt_all(app, stranger, prototype_image, 404)
    attempt_all(app, other_triager, prototype_image, 404)
    api = f"/api/v1/consultations/{consultation.id}"
    for who in (stranger, other_triager, other_team_token):
        attempt_all(app, who, api, 404, api=True)
    attempt_all(app, other_triager, f"{api}/close", 404, api=True)
    attempt_all(app, other_team_token, f"{api}/close", 404, api=True)
    attempt_all(app, stranger, f"{api}/close", 403, api=True)
    attempt_all(app, stranger, f"{api}/answers", 404, api=True)
    attempt_all(app, other_triager, f"{api}/answers", 403, api=True)
    for who in (stranger, other_triager):
        assert "Zéphyrin" not in who.client.get("/api/v1/consultations", headers=who.headers).get_data(as_text=True)
    assert "Zéphyrin" not in other_triager.client.get("/equipe/consultations/").get_data(as_text=True)
    assert "Zéphyrin" not in stranger.client.get("/consultations/").get_data(as_text=True)
    assert_unchanged(before, objects)


# --- SCORM package attempts --------------------------------------------------------------------------


def test_package_attempt_of_another_agent(app, actor, tmp_path):
    import json
    import shutil

    from app.training.packages import runtime
    from tests.training import scorm_helpers

    tree = tmp_path / "curricula"
    shutil.copytree(scorm_helpers.FIXTURE, tree)
    mod = scorm_helpers.import_package_module(tree)
    owner = UserFactory(role="agent")
    runtime.commit_cmi(owner, mod, scorm_helpers.cmi_12(suspend="secret-owner-bookmark")["cmi"])
    attempt = runtime.attempt_of(owner, mod.current_version)
    objects = [(attempt, columns(attempt))]
    colleague = actor(UserFactory(role="agent", organisation=owner.organisation))
    page = colleague.client.get(f"/formation/modules/{mod.slug}/paquet").get_data(as_text=True)
    assert "secret-owner-bookmark" not in page and "Vous reprenez" not in page
    # The colleague's commit is the colleague's own attempt: the owner's stays as it was.
    response = colleague.client.post(f"/formation/modules/{mod.slug}/paquet/cmi", content_type="application/json",
                                     data=json.dumps(scorm_helpers.cmi_12(status="passed", raw="100")))
    assert response.status_code == 200
    assert columns(attempt) == objects[0][1]
    hr = actor(UserFactory(role="hr", organisation=owner.organisation))
    attempt_all(app, hr, f"/formation/modules/{mod.slug}/paquet", 403)


# --- working-conditions incidents (issue 18) ------------------------------------------------------------


def test_incidents_of_another_scope_staff_rep_and_other_hr_get_404(app, actor):
    from app.workplace.incidents import file_incident
    from app.workplace.models import Incident, StaffRepMandate
    from tests.workplace.helpers import incident_values

    org = OrganisationFactory()
    victim = UserFactory(role="agent", organisation=org)
    incident = file_incident(victim, incident_values(anonymous_to_hr=True))
    rep_user = UserFactory(role="agent", organisation=org)
    db.session.add(StaffRepMandate(user_id=rep_user.id, organisation_id=org.id))
    db.session.commit()
    staff_rep, other_hr = actor(rep_user), actor(UserFactory(role="hr", organisation=OrganisationFactory()))
    before, objects = table_counts(), [(incident, columns(incident))]
    tried = 0
    for who in (staff_rep, other_hr):
        tried += attempt_all(app, who, f"/conditions-de-travail/signalements/{incident.id}", 404)
        tried += attempt_all(app, who, f"/conditions-de-travail/signalements/{incident.id}/fiche.pdf", 404)
        tried += attempt_all(app, who, f"/api/v1/workplace/incidents/{incident.id}", 404, api=True)
        listed = who.client.get("/api/v1/workplace/incidents", headers=who.headers).get_json()
        assert [row["id"] for row in listed] == []
    tried += attempt_all(app, other_hr, f"/conditions-de-travail/signalements/{incident.id}/suite", 404)
    tried += attempt_all(app, staff_rep, f"/conditions-de-travail/signalements/{incident.id}/suite", 403)
    assert_unchanged(before, objects)
    assert db.session.get(Incident, incident.id).status == "received"
    assert tried == 8 * 4
