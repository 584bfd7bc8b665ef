"""Audit of reads and decisions: every read of another person's passport or report by HR, triagers or
admins is recorded (who, what, when; no personal content); agents see who read their passport; admins
search the log."""
import html

from app.accounts import services as accounts
from app.audit.models import AuditLog
from app.extensions import db
from app.passports import evidence
from app.passports import services as passports
from app.reports.images import reencode
from app.reports.models import ReportAttachment
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory
from tests.passports.core_factories import CompetencyFactory, pdf_bytes
from tests.reports.factories import ApplicationFactory, OperatorFactory, file_report
from tests.reports.test_screenshots import png_with_metadata


def _client(app, user):
    client = app.test_client()
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def _rows(action):
    return db.session.scalars(db.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


def _no_personal_content(row, *secrets):
    flat = f"{row.details} {row.target_id} {row.target_type}"
    for secret in secrets:
        assert secret not in flat


def test_hr_reads_are_audited_and_shown_to_the_agent_without_names(app):
    org = OrganisationFactory(name="CAF de la Drôme")
    holder = UserFactory(role="agent", organisation=org, full_name="Agathe Titulaire")
    hr = UserFactory(role="hr", organisation=org, full_name="Hervé Ressources", email="herve.rh@example.org")
    competency = CompetencyFactory()
    with app.test_request_context():
        entry = passports.declare_entry(holder, competency.code, 2, "J'accueille seule au guichet le matin.",
                                        [evidence.check_bytes(pdf_bytes(), "preuve.pdf")])
        passports.submit_entry(holder, entry)
    file_id = entry.files[0].id
    owner = _client(app, holder)
    page = html.unescape(owner.get("/passeport/").get_data(as_text=True))
    assert "Qui a consulté mon passeport" in page and "Personne d'autre que vous" in page

    reader = _client(app, hr)
    assert reader.get(f"/rh/passeports/lignes/{entry.id}").status_code == 200
    assert reader.get(f"/rh/passeports/agents/{holder.id}").status_code == 200
    response = reader.get(f"/passeport/preuves/{file_id}")
    assert response.status_code == 200
    response.close()
    for action in ("passport.entry_read", "passport.read", "passport.evidence_read"):
        [row] = _rows(action)
        assert row.actor_id == hr.id and row.at is not None
        _no_personal_content(row, "Agathe", "Titulaire", "guichet", holder.email)

    page = html.unescape(owner.get("/passeport/").get_data(as_text=True))
    section = page.split("Qui a consulté mon passeport")[1]
    assert section.count("CAF de la Drôme") == 3 and section.count("Ressources humaines") == 3
    assert "Tout le passeport" in section and "Une ligne" in section and "Une pièce justificative" in section
    assert "Hervé" not in section and "herve.rh" not in section  # organisation and role only

    # Another agent's passport page lists none of these reads.
    stranger = _client(app, UserFactory(role="agent", organisation=org))
    assert "Personne d'autre que vous" in html.unescape(stranger.get("/passeport/").get_data(as_text=True))


def test_triager_and_admin_reads_of_reports_and_screenshots_are_audited(app, db):
    team = TeamFactory(code="TEAM-AUDIT")
    application = ApplicationFactory(code="caf-audit", team=team, operator=OperatorFactory(code="CNAF-AUDIT"))
    author = UserFactory(role="agent", full_name="Auteure Secrète")
    report = file_report(author, application, screenshots=[reencode(png_with_metadata())],
                         title="Écran blanc chez Mme Confidentielle")
    attachment = db.session.scalar(db.select(ReportAttachment))
    triager = UserFactory(role="triager", team=team)
    admin = UserFactory(role="admin")

    # The author reading their own report is not someone else's read: not audited.
    assert _client(app, author).get(f"/remontees/{report.reference}").status_code == 200
    assert _rows("report.read") == []

    for user in (triager, admin):
        client = _client(app, user)
        assert client.get(f"/remontees/{report.reference}").status_code == 200
        response = client.get(f"/remontees/{report.reference}/captures/{attachment.id}")
        assert response.status_code == 200
        response.close()
    _token, raw = accounts.create_api_token(triager, triager)
    assert app.test_client().get(f"/api/v1/reports/{report.id}",
                                 headers={"Authorization": f"Bearer {raw}"}).status_code == 200

    reads = _rows("report.read")
    assert [row.actor_id for row in reads] == [triager.id, admin.id, triager.id]
    downloads = _rows("report.attachment_read")
    assert [(row.actor_id, row.details) for row in downloads] == [
        (triager.id, {"attachment": attachment.id}), (admin.id, {"attachment": attachment.id})]
    for row in reads + downloads:
        assert (row.target_type, row.target_id) == ("reports", str(report.id)) and row.at is not None
        _no_personal_content(row, "Confidentielle", "Auteure", author.email)

    # An out-of-scope attempt is a 404 and no read.
    outsider = _client(app, UserFactory(role="triager", team=TeamFactory()))
    assert outsider.get(f"/remontees/{report.reference}").status_code == 404
    assert len(_rows("report.read")) == 3


def test_decisions_are_audited_and_admins_search_the_log(app, db):
    team = TeamFactory(code="TEAM-DECIDE")
    application = ApplicationFactory(code="caf-decide", team=team, operator=OperatorFactory(code="CNAF-DECIDE"))
    report = file_report(UserFactory(role="agent"), application)
    triager = UserFactory(role="triager", team=team, email="tri.journal@example.org")
    client = _client(app, triager)
    client.get(f"/remontees/{report.reference}")
    client.post(f"/equipe/remontees/{report.reference}/statut", data={"status": "acknowledged"})
    [decision] = _rows("report.status")
    assert decision.actor_id == triager.id and decision.details.get("to") == "acknowledged"

    admin = _client(app, UserFactory(role="admin"))
    found = html.unescape(admin.get("/admin/journal?action=report.read&acteur=tri.journal@example.org")
                          .get_data(as_text=True))
    assert "report.read" in found and "tri.journal@example.org" in found
    assert "report.status" not in found.split("<main")[1].split("</main>")[0].split("<table")[-1]
