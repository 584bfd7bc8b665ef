"""RGPD: "Mes données" export and account erasure leave no trace of the person."""
import json
import sqlite3
from pathlib import Path

import pytest

from app.accounts.models import User
from app.notifications.services import notify, queue_email


def test_my_data_export_contains_mine_and_nothing_else(client, login, make_user, db):
    me = login()
    other = make_user(full_name="Quelqu'un D'Autre")
    notify(me, "info", "Message pour moi")
    notify(other, "info", "Message secret de l'autre")
    db.session.commit()
    response = client.get("/compte/mes-donnees.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == me.email
    assert [n["message"] for n in data["account"]["notifications"]] == ["Message pour moi"]
    text = json.dumps(data, ensure_ascii=False)
    assert other.email not in text and "Quelqu'un D'Autre" not in text and "secret de l'autre" not in text
    assert "training" in data


def _dump(db):
    """Logical SQL dump plus the raw bytes of the SQLite files."""
    path = Path(db.engine.url.database)
    db.session.remove()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = sqlite3.connect(path)
    dump = "\n".join(raw.iterdump())
    raw.close()
    files = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    return dump, files


@pytest.mark.sqlite  # reads the SQLite file itself
def test_erasure_leaves_neither_email_nor_name(client, login, db):
    from app.training import learning
    from app.training.curricula.importer import import_curricula
    from app.training.services import module_by_slug
    from tests.training.conftest import FIXTURE

    import_curricula(FIXTURE)
    agent = login(full_name="Zéphyrine Effaçable", email="zephyrine.effacable@example.org")
    agent_id = agent.id
    module = module_by_slug("accueil-base")
    learning.mark_lesson_done(agent, module, module.current_version.lessons[0])
    learning.submit_attempt(agent, module, {"ab-q01": ["b"]})
    notify(agent, "info", "Bonjour Zéphyrine Effaçable")
    queue_email(agent.email, "Sujet", "Bonjour Zéphyrine Effaçable")
    db.session.commit()
    # A passport entry with an evidence file, and a report the teams keep working on.
    from flask import current_app

    from app.passports.evidence import evidence_path
    from app.passports.models import EvidenceFile
    from tests.passports.core_factories import EntryFactory
    from tests.reports.factories import ApplicationFactory, file_report

    entry = EntryFactory(holder=agent, description="Zéphyrine Effaçable accueille au guichet")
    key = "erasure-test-file"
    path = evidence_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 Zephyrine Effacable zephyrine.effacable@example.org")
    db.session.add(EvidenceFile(entry_id=entry.id, uploaded_by_id=agent.id, filename="cv.pdf",
                                content_type="application/pdf", size=10, sha256="0" * 64, storage_key=key))
    db.session.commit()
    report = file_report(agent, ApplicationFactory(), citizen_words="Merci Zéphyrine Effaçable")
    report_id = report.id
    upload_root = Path(current_app.instance_path)
    client.get("/compte/mes-donnees.json")

    response = client.post("/compte/effacer", data={"confirmation": "EFFACER", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert client.get("/compte").status_code == 302  # sessions ended
    dump, files = _dump(db)
    for needle in ("zephyrine.effacable@example.org", "Zéphyrine", "Effaçable"):
        assert needle not in dump, needle
        assert needle.encode() not in files, needle
    for stored in upload_root.rglob("*"):
        if stored.is_file():
            content = stored.read_bytes()
            assert b"zephyrine.effacable@example.org" not in content and b"Zephyrine" not in content, stored
    from app.reports.models import Report

    assert db.session.get(Report, report_id) is not None  # the teams' work survives, anonymised
    erased = db.session.get(User, agent_id)
    assert erased.active is False and erased.email.endswith("@anonyme.invalid")


def test_erasure_needs_confirmation(client, login, db):
    me = login()
    response = client.post("/compte/effacer", data={"confirmation": "oui", "password": "correct horse battery staple"})
    assert response.status_code == 400 and "Tapez EFFACER" in response.get_data(as_text=True)
    assert db.session.get(User, me.id).active is True


def test_admin_erases_an_account(client, login, make_user, db):
    login(role="admin")
    target = make_user(full_name="Personne À Effacer")
    page = client.get(f"/admin/utilisateurs/{target.id}/effacer")
    assert "Effacer le compte de Personne À Effacer" in page.get_data(as_text=True)
    client.post(f"/admin/utilisateurs/{target.id}/effacer", data={"confirmation": "EFFACER"})
    db.session.expire_all()
    assert db.session.get(User, target.id).full_name == "Compte effacé"


# Every column that points at a user: where « Mes données » shows those rows, or why it does not.
EXPORTED = {
    ("api_tokens", "user_id"): ("account", "api_tokens"),
    ("memberships", "user_id"): ("account", "memberships"),
    ("notifications", "user_id"): ("account", "notifications"),
    ("module_completions", "user_id"): ("training", "completions"),
    ("quiz_attempts", "user_id"): ("training", "quiz_attempts"),
    ("enrolments", "user_id"): ("training", "enrolments"),
    ("lesson_progress", "user_id"): ("training", "lessons_read"),
    ("training_paths", "owner_id"): ("training", "personal_paths"),
    ("passport_entries", "holder_id"): ("passport", "entries"),
    ("passport_shares", "holder_id"): ("passport", "shares"),
    ("vae_candidacies", "holder_id"): ("passport", "vae"),
    ("reports", "author_id"): ("reports", "reports"),
    ("report_comments", "author_id"): ("reports", "comments"),
    ("report_me_toos", "user_id"): ("reports", "me_too"),
    ("report_followers", "user_id"): ("reports", "following"),
    ("report_notification_settings", "user_id"): ("reports", "notification_settings"),
    ("passport_verification_links", "holder_id"): ("passport", "verification_links"),
    ("proconnect_identities", "user_id"): ("proconnect", "identities"),
    ("support_requests", "author_id"): ("support", "requests"),
    ("support_messages", "author_id"): ("support", "messages"),
    ("support_group_members", "user_id"): ("support", "group_memberships"),
    ("support_preferences", "user_id"): ("support", "preferences"),
    ("support_fiche_uses", "user_id"): ("support", "fiches_used"),
    ("reception_visits", "agent_id"): ("reception", "desk_log"),
    ("consultation_participations", "user_id"): ("consultations", "participations"),
    ("passport_contribution_offers", "holder_id"): ("passport", "contribution_offers"),
    ("scorm_attempts", "user_id"): ("scorm_packages", "attempts"),
    ("triage_preferences", "user_id"): ("reports", "triage_preferences"),
    ("workplace_incidents", "reporter_id"): ("workplace", "incidents"),
    ("workplace_staff_rep_mandates", "user_id"): ("workplace", "staff_rep_mandates"),
    ("training_observations", "agent_id"): ("training", "observations_received"),
    ("training_observations", "observer_id"): ("training", "observations_made"),
    ("training_tutors", "user_id"): ("training", "tutor_capability"),
}
NOT_EXPORTED = {
    ("audit_log", "actor_id"): "security journal, kept for its retention period, read by administrators",
    ("one_time_tokens", "user_id"): "hashed single-use links: secrets, not data about the person",
    ("recovery_codes", "user_id"): "hashed recovery codes: secrets",
    ("pending_forms", "user_id"): "kept one day at most and given back at the next sign-in",
    ("enrolments", "assigned_by_id"): "HR work on another person's training (exported to that person)",
    ("passport_entries", "recorded_by_id"): "HR work on another person's passport (exported to that person)",
    ("passport_entries", "validated_by_id"): "HR work on another person's passport (exported to that person)",
    ("evidence_files", "uploaded_by_id"): "files listed under the holder's entries",
    ("evidence_log", "actor_id"): "the log is listed under the holder's entries",
    ("reports", "assignee_id"): "a team's triage work on a report (the report is its author's)",
    ("proconnect_sessions", "user_id"): "ID tokens kept two days at most for the provider's logout: secrets",
    ("support_requests", "assignee_id"): "an expert's work on another person's request (exported to its author)",
    ("support_debriefs", "expert_id"): "an expert's work with another agent (the debrief belongs to that agent's request)",
    ("support_events", "actor_id"): "the steps of a request, listed under the request of its author",
    ("support_fiches", "author_id"): "anonymised knowledge written as an expert, shared with every agent",
    ("support_invitations", "invited_by_id"): "routing work on another person's request",
    ("support_invitations", "user_id"): "an expert invited on another person's request",
    ("reception_site_tokens", "created_by_id"): "HR work: a site's token for its queue-management system (a secret)",
    ("consultations", "created_by_id"): "a software team's work (the consultation is the team's)",
    ("reception_network_departments", "user_id"): "the départements an administrator assigned (role data, shown in the account)",
    ("workplace_incident_actions", "actor_id"): "HR handling of another person's incident (listed for its reporter)",
    ("workplace_discussion_items", "author_id"): "HR work for the organisation's discussion space",
    ("workplace_checklist_assessments", "assessed_by_id"): "HR work on the site checklist (the organisation's)",
    ("workplace_checklist_actions", "owner_id"): "an action of the site's plan (the organisation's work)",
    ("workplace_barometer_campaigns", "opened_by_id"): "HR work: a campaign for the organisation",
    ("workplace_barometer_participations", "user_id"): "only refuses a second answer while a campaign is open, "
                                                        "deleted at closing; no link to the answer",
    ("workplace_staff_rep_mandates", "granted_by_id"): "an administrator's act on another person's account",
    ("training_tutors", "granted_by_id"): "HR act on another person's account (the capability is exported to them)",
}


def _user_columns(db):
    return {
        (table.name, fk.parent.name)
        for table in db.metadata.sorted_tables for fk in table.foreign_keys
        if fk.column.table.name == "users"
    }


def test_my_data_accounts_for_every_table_that_refers_to_a_user(db):
    columns = _user_columns(db)
    assert set(EXPORTED) & set(NOT_EXPORTED) == set()
    assert columns - set(EXPORTED) - set(NOT_EXPORTED) == set(), "new columns pointing at users: export them or say why not"
    assert (set(EXPORTED) | set(NOT_EXPORTED)) - columns == set(), "the lists name columns that no longer exist"


def _a_person_with_a_row_everywhere(db):
    """An agent with rows in every exported table (through the use cases where they are short)."""
    from app.accounts import services
    from app.accounts.proconnect.models import ProConnectIdentity
    from app.passports.models import PassportShare, VaeCandidacy, VerificationLinks
    from app.referential.models import Certification
    from app.reports.label_models import TriagePreference
    from app.reports.models import MeToo, NotificationSetting, ReportComment
    from app.training import learning
    from app.training.models import TrainingPath
    from tests.factories import UserFactory
    from tests.passports.core_factories import EntryFactory
    from tests.reports.factories import ApplicationFactory, file_report
    from tests.training.learning_helpers import complete, fail_quiz, fixture_path, import_fixture_curricula

    person = UserFactory(role="agent")
    hr = UserFactory(role="hr", organisation=person.organisation)
    services.create_api_token(person, person, "script")
    notify(person, "info", "Bonjour")
    import_fixture_curricula()
    fail_quiz(person, "accueil-base")
    complete(person, "accueil-base")
    learning.assign_path(hr, [person], fixture_path(), None)
    certification = Certification(code="CERT-X", title="Titre X", level=3)
    db.session.add_all([
        TrainingPath(code="PERSO-1", title="Mon parcours", description="Vers le métier", owner_id=person.id),
        PassportShare(holder_id=person.id, organisation_id=person.organisation_id),
        VerificationLinks(holder_id=person.id, generation=1),
        ProConnectIdentity(user_id=person.id, sub="sub-de-la-personne", uid="uid-1"),
        certification,
    ])
    db.session.flush()
    db.session.add(VaeCandidacy(holder_id=person.id, certification_id=certification.id, validated_block_codes=[]))
    EntryFactory(holder=person, status="submitted")
    application = ApplicationFactory()
    mine = file_report(person, application)  # its author follows it
    other = file_report(UserFactory(role="agent"), application)
    db.session.add_all([
        MeToo(report_id=other.id, user_id=person.id, organisation_id=person.organisation_id),
        ReportComment(report_id=mine.id, author_id=person.id, kind="agent_message", body="Précision"),
        NotificationSetting(user_id=person.id, email_opt_in=True),
        TriagePreference(user_id=person.id, keyboard_shortcuts=False),
    ])
    db.session.commit()
    _support_rows(person)
    from app.reception import services as reception

    reception.record_visit(person, reception.clean_visit(
        {"channel": "phone", "operators": ["caf"], "outcome": "resolved", "duration": "lt5"}))
    from app.workplace.models import StaffRepMandate
    from tests.workplace.helpers import file as file_incident

    file_incident(person)
    db.session.add(StaffRepMandate(user_id=person.id, organisation_id=person.organisation_id))
    db.session.commit()
    _consultation_rows(person)
    _package_attempt(person)
    _observation_rows(person, hr)
    return person, hr


def _observation_rows(person, hr):
    """`person` is made tutor, observes a colleague, and is observed by HR (fixture grid A2.1)."""
    from datetime import date

    from app.training import observations
    from tests.factories import UserFactory

    grid = observations.grid_for("A2.1")
    ticks = {(1, 0), (1, 1), (1, 2), (1, 3)}
    observations.grant_tutor(hr, person)
    colleague = UserFactory(role="agent", organisation=person.organisation)
    observations.record_observation(person, colleague, grid, "desk", date.today(), ticks)
    observations.record_observation(hr, person, grid, "role_play", date.today(), ticks)


def _package_attempt(person):
    """A SCORM package attempt of `person` (on a version of the fixture curricula)."""
    from app.extensions import db
    from app.training.models import ModuleVersion
    from app.training.packages.models import PackageAttempt, ScormPackage

    version = db.session.scalars(db.select(ModuleVersion).order_by(ModuleVersion.id)).first()
    package = ScormPackage(version_id=version.id, sha256="0" * 64, scorm_version="1.2", launch_href="index.html",
                           title="Paquet", byte_size=1)
    db.session.add(package)
    db.session.flush()
    db.session.add(PackageAttempt(user_id=person.id, version_id=version.id, package_id=package.id, cmi={}))
    db.session.commit()


def _consultation_rows(person):
    """A consultation `person` answered, and the contribution it offers to their passport."""
    from app.consultations import services as consultations
    from app.extensions import db
    from app.passports import contributions
    from app.passports.models import ContributionKind
    from tests.factories import TeamFactory, UserFactory
    from tests.reports.factories import ApplicationFactory, file_report

    team = TeamFactory()
    application = ApplicationFactory(team=team)
    file_report(person, application)
    dev = UserFactory(role="triager", team=team)
    consultation = consultations.create_consultation(dev, team, {
        "application_id": application.id, "kind": "survey", "title": "Questionnaire",
        "purpose": "Ce qui gêne.", "targeting": "all"}, [{"kind": "text", "text": "Remarques ?"}], publish=True)
    consultations.submit_answers(person, consultation, {consultation.questions[0].id: "Trop de champs"})
    contributions.record_offer(person, ContributionKind.CONSULTATION, consultation.id, "Consultation", "Q")
    db.session.commit()


def _support_rows(person):
    """A support request with a message, a preference, a group membership and a fiche read by `person`."""
    from app.backoffice import conversation, groups, requests
    from app.backoffice.knowledge_models import Fiche, FicheUse
    from app.extensions import db
    from tests.backoffice.factories import ask, group

    national = group("APPUI-CAF-NAT", national=True)
    request = ask(person)
    conversation.agent_message(person, request, "Précision sur la situation")
    requests.save_preference(person, True)
    db.session.add(groups.GroupMember(group_id=national.id, user_id=person.id))
    fiche = Fiche(title="Fiche", body="Texte", operator="caf")
    db.session.add(fiche)
    db.session.flush()
    db.session.add(FicheUse(fiche_id=fiche.id, user_id=person.id, kind="viewed"))
    db.session.commit()


def test_my_data_holds_every_row_that_refers_to_the_person(app, db):
    """For each person, each exported list has as many items as the rows that point at them."""
    from sqlalchemy import text

    from app.accounts.privacy import export_personal_data

    _a_person_with_a_row_everywhere(db)
    seen = set()
    for user in db.session.scalars(db.select(User).order_by(User.id)).all():
        data = export_personal_data(user, user)
        for (table, column), (section, key) in EXPORTED.items():
            count = db.session.execute(
                text(f'SELECT count(*) FROM "{table}" WHERE "{column}" = :id'), {"id": user.id}).scalar()  # noqa: S608
            assert len(data[section][key]) == count, (user.email, table, column)
            if count:
                seen.add((table, column))
    assert set(EXPORTED) - seen == set(), "no row there: the check would prove nothing"
