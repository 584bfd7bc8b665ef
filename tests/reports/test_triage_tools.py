"""Issue 13, triage items 12-14: one comment box with a status change, « Accuser réception », labels,
bulk actions, assignee column and filters, the single-key shortcuts switch; all scoped to the team."""
import html
import re

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.audit.models import AuditLog
from app.extensions import db
from app.reports import bulk, labels, services, triage, triage_actions
from app.reports.label_models import ReportLabel, ReportLabelLink
from app.reports.models import ReportComment
from tests.factories import PASSWORD, UserFactory
from tests.reports.factories import file_report


def _client(app, user):
    client = app.test_client()
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def commits(monkeypatch):
    """Counts the commits of the use cases (the e-mail delivery and the signals' receivers that follow the
    commit, such as the passport's contribution offers, are left out)."""
    from app.reports import bulk as bulk_module
    from app.reports import triage as triage_module

    monkeypatch.setattr(triage_module, "announce", lambda report: None)
    monkeypatch.setattr(triage_actions, "deliver_inline", lambda: None)
    monkeypatch.setattr(bulk_module, "deliver_inline", lambda: None)
    seen = []

    def count(session):
        seen.append(session)

    event.listen(Session, "after_commit", count)
    yield seen
    event.remove(Session, "after_commit", count)


def _actions(report, action):
    return db.session.scalars(db.select(AuditLog).where(AuditLog.action == action,
                                                       AuditLog.target_id == str(report.id))).all()


def _comments(report):
    return db.session.scalars(db.select(ReportComment).where(ReportComment.report_id == report.id)
                              .order_by(ReportComment.id)).all()


# --- item 12: one comment box -------------------------------------------------------------------------


def test_answer_and_status_change_are_one_use_case_and_one_commit(world, commits):
    report = file_report(world.agent, world.caf_app)
    commits.clear()
    comment = triage_actions.respond(world.dev_caf, report, "Nous reproduisons le problème.", status="qualified")
    assert len(commits) == 1
    db.session.refresh(report)
    assert report.status == "qualified" and report.acknowledged_at is not None
    assert comment.kind == "public_answer" and comment.body == "Nous reproduisons le problème."
    assert report.answered_at is not None
    assert len(_actions(report, "report.respond")) == 1


def test_internal_note_without_status_change(world):
    report = file_report(world.agent, world.caf_app)
    comment = triage_actions.respond(world.dev_caf, report, "Voir le ticket interne.", internal=True)
    db.session.refresh(report)
    assert comment.kind == "internal_note" and report.status == "new" and report.answered_at is None


def test_the_reason_of_a_closing_status_is_the_answer_and_cannot_be_internal(world):
    report = file_report(world.agent, world.caf_app)
    with pytest.raises(services.ReportError, match="choisissez « Répondre »"):
        triage_actions.respond(world.dev_caf, report, "Pas chez nous.", internal=True, status="wont_fix")
    db.session.rollback()
    triage_actions.respond(world.dev_caf, report, "Relève d'un autre service.", status="wont_fix")
    db.session.refresh(report)
    assert report.status == "wont_fix" and report.status_reason == "Relève d'un autre service."
    assert [c.kind for c in _comments(report)] == ["public_answer"]


def test_a_question_is_posted_once(world):
    report = file_report(world.agent, world.caf_app)
    triage_actions.respond(world.dev_caf, report, "Quel navigateur ?", status="info_requested")
    assert [c.body for c in _comments(report)] == ["Quel navigateur ?"]
    assert report.status == "info_requested"


def test_a_wrong_starting_state_is_refused_in_french_and_nothing_is_saved(app, world):
    report = file_report(world.agent, world.caf_app)
    client = _client(app, world.dev_caf)
    response = client.post(f"/equipe/remontees/{report.reference}/reponse",
                           data={"visibility": "public", "body": "C'est corrigé.", "status": "verified"})
    assert response.status_code == 400
    assert "ne peut pas passer à « Correction vérifiée »" in html.unescape(response.get_data(as_text=True))
    db.session.refresh(report)
    assert report.status == "new" and _comments(report) == []
    response = client.post(f"/equipe/remontees/{report.reference}/reponse", data={"visibility": "public"})
    assert response.status_code == 400
    assert "Écrivez une réponse ou une note" in html.unescape(response.get_data(as_text=True))


def test_after_the_submit_the_reader_is_back_at_the_comment_box_with_the_message(app, world):
    report = file_report(world.agent, world.caf_app)
    client = _client(app, world.dev_caf)
    response = client.post(f"/equipe/remontees/{report.reference}/reponse",
                           data={"visibility": "public", "body": "Merci, nous regardons.", "status": "acknowledged"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/remontees/{report.reference}#traitement")
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    section = page[page.index('id="traitement"'):]
    assert "Réponse publiée. Statut changé : « Prise en compte »." in section
    # Shown once, next to the comment box, not at the top of the page.
    assert page.count("Réponse publiée.") == 1
    assert page.index("Merci, nous regardons.") < page.index('id="traitement"')


def test_the_older_status_route_shows_its_error_in_the_comment_box(app, world):
    report = file_report(world.agent, world.caf_app)
    client = _client(app, world.dev_caf)
    response = client.post(f"/equipe/remontees/{report.reference}/statut", data={"status": "verified"})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "ne peut pas passer à « Correction vérifiée »" in page[page.index('id="traitement"'):]


# --- item 13: « Accuser réception » -------------------------------------------------------------------


def test_acknowledge_receipt(app, world, outbox):
    report = file_report(world.agent, world.caf_app)
    client = _client(app, world.dev_caf)
    page = client.get(f"/remontees/{report.reference}").get_data(as_text=True)
    assert "Accuser réception" in page and "Accusé de réception attendu avant le" in page
    response = client.post(f"/equipe/remontees/{report.reference}/accuse-reception")
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.status == "acknowledged" and report.acknowledged_at is not None
    assert len(_actions(report, "report.acknowledge")) == 1
    page = client.get(f"/remontees/{report.reference}").get_data(as_text=True)
    assert "Réception accusée" in html.unescape(page)
    assert "accuse-reception" not in page  # no second button


def test_acknowledge_refuses_a_report_already_acknowledged(world):
    report = file_report(world.agent, world.caf_app)
    triage.change_status(world.dev_caf, report, "qualified")
    with pytest.raises(services.ReportError, match="déjà été accusée"):
        triage_actions.acknowledge(world.dev_caf, report)


def test_acknowledge_refuses_a_withdrawn_report(world):
    report = file_report(world.agent, world.caf_app)
    services.withdraw_report(world.agent, report)
    with pytest.raises(services.ReportError, match="« Retirée par l'agent » ne peut pas"):
        triage_actions.acknowledge(world.dev_caf, report)


def test_another_team_cannot_answer_or_acknowledge(app, world):
    report = file_report(world.agent, world.caf_app)
    client = _client(app, world.dev_ants)
    for action, data in (("reponse", {"body": "Intrusion", "status": "qualified"}), ("accuse-reception", {})):
        assert client.post(f"/equipe/remontees/{report.reference}/{action}", data=data).status_code == 404
    db.session.refresh(report)
    assert report.status == "new" and _comments(report) == []
    with pytest.raises(services.ReportError):
        triage_actions.respond(world.dev_ants, report, "Intrusion")


# --- item 14: labels ------------------------------------------------------------------------------------


def test_team_labels_create_refuse_and_delete_with_confirmation(app, world):
    client = _client(app, world.dev_caf)
    response = client.post("/equipe/etiquettes", data={"name": "Régression", "colour": "green-menthe"})
    assert response.status_code == 302
    label = db.session.scalar(db.select(ReportLabel).where(ReportLabel.team_id == world.caf_team.id))
    assert label.name == "Régression" and label.colour == "green-menthe"
    page = client.get("/equipe/etiquettes").get_data(as_text=True)
    assert 'fr-badge--green-menthe">Régression' in page
    again = client.post("/equipe/etiquettes", data={"name": "régression", "colour": "blue-ecume"})
    assert again.status_code == 400 and "existe déjà" in html.unescape(again.get_data(as_text=True))
    odd = client.post("/equipe/etiquettes", data={"name": "Rouge", "colour": "red-marianne"})
    assert odd.status_code == 400
    # Another team neither sees nor deletes it.
    other = _client(app, world.dev_ants)
    assert "Régression" not in other.get("/equipe/etiquettes").get_data(as_text=True)
    assert other.get(f"/equipe/etiquettes/{label.id}/supprimer").status_code == 404
    assert other.post(f"/equipe/etiquettes/{label.id}/supprimer").status_code == 404
    confirm = client.get(f"/equipe/etiquettes/{label.id}/supprimer")
    assert confirm.status_code == 200 and db.session.get(ReportLabel, label.id) is not None
    label_id = label.id
    assert client.post(f"/equipe/etiquettes/{label_id}/supprimer").status_code == 302
    db.session.expire_all()
    assert db.session.get(ReportLabel, label_id) is None


# --- item 14: bulk actions ------------------------------------------------------------------------------


def test_bulk_qualify_skips_other_teams_and_refuses_wrong_states_in_one_commit(world, commits):
    first = file_report(world.agent, world.caf_app, title="Premier")
    second = file_report(world.agent, world.caf_app, title="Second")
    closed = file_report(world.agent, world.caf_app, title="Clos")
    services.withdraw_report(world.agent, closed)
    foreign = file_report(world.agent, world.ants_app, title="Autre équipe")
    commits.clear()
    result = bulk.apply(world.dev_caf, [str(first.id), str(second.id), str(closed.id), str(foreign.id), "x"],
                        "qualify")
    assert len(commits) == 1
    assert result.done == [first.reference, second.reference]
    assert [ref for ref, _reason in result.refused] == [closed.reference]
    assert "ne peut pas passer à « Qualifiée »" in result.refused[0][1]
    assert result.out_of_scope == 1
    for report, status in ((first, "qualified"), (second, "qualified"), (closed, "withdrawn"), (foreign, "new")):
        db.session.refresh(report)
        assert report.status == status
    assert len(_actions(first, "report.bulk_qualify")) == 1 and _actions(foreign, "report.bulk_qualify") == []
    message = bulk.summary(result, "qualify")
    assert "2 remontées" in message and "hors de votre équipe" in message and foreign.reference not in message


def test_bulk_assign_label_and_duplicate(world):
    reports = [file_report(world.agent, world.caf_app, title=f"R{i}") for i in range(3)]
    ids = [str(r.id) for r in reports]
    bulk.apply(world.dev_caf, ids, "assign", assignee_id=world.dev_caf.id)
    assert {db.session.get(type(r), r.id).assignee_id for r in reports} == {world.dev_caf.id}
    with pytest.raises(services.ReportError, match="membre actif"):
        bulk.apply(world.dev_caf, ids, "assign", assignee_id=world.dev_ants.id)
    label = labels.create_label(world.dev_caf, world.caf_team, "Mobile", "pink-tuile")
    bulk.apply(world.dev_caf, ids[:2], "label", label_id=label.id)
    bulk.apply(world.dev_caf, ids[:1], "label", label_id=label.id)  # already there: no second link
    assert db.session.scalar(db.select(db.func.count()).select_from(ReportLabelLink)) == 2
    foreign_label = labels.create_label(world.dev_ants, world.ants_team, "Étrangère", "blue-ecume")
    with pytest.raises(services.ReportError, match="étiquette de votre équipe"):
        bulk.apply(world.dev_caf, ids, "label", label_id=foreign_label.id)
    main = reports[0]
    result = bulk.apply(world.dev_caf, ids, "duplicate", main_key=main.reference)
    assert result.done == [reports[1].reference, reports[2].reference]
    assert result.refused == [(main.reference, "c'est la remontée principale")]
    for r in reports[1:]:
        db.session.refresh(r)
        assert r.status == "duplicate" and r.duplicate_of_id == main.id
    foreign = file_report(world.agent, world.ants_app)
    with pytest.raises(services.ReportError, match="Aucune remontée de votre équipe"):
        bulk.apply(world.dev_caf, [ids[0]], "duplicate", main_key=foreign.reference)


def test_bulk_form_on_the_board_redirects_back_with_the_summary(app, world):
    reports = [file_report(world.agent, world.caf_app, title=f"R{i}") for i in range(2)]
    foreign = file_report(world.agent, world.ants_app)
    client = _client(app, world.dev_caf)
    board = client.get("/equipe/remontees?sort=people").get_data(as_text=True)
    assert f'name="ids" value="{reports[0].id}"' in board
    response = client.post("/equipe/remontees/lot", data={
        "ids": [str(reports[0].id), str(foreign.id)], "action": "acknowledge",
        "back": "/equipe/remontees?sort=people"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/equipe/remontees?sort=people#actions-groupees")
    page = html.unescape(client.get("/equipe/remontees?sort=people").get_data(as_text=True))
    section = page[page.index('id="actions-groupees"'):]
    assert f"appliqué à 1 remontée ({reports[0].reference})" in section and "hors de votre équipe" in section
    assert page.count("hors de votre équipe") == 1  # next to the bulk form, not at the top of the page
    db.session.refresh(foreign)
    assert foreign.status == "new"
    # An address off the board is not followed.
    response = client.post("/equipe/remontees/lot", data={"ids": [str(reports[1].id)], "action": "qualify",
                                                          "back": "https://ailleurs.example/"})
    assert response.headers["Location"].endswith("/equipe/remontees#actions-groupees")
    # The admin reads the board but does not triage: no selection, and the action is refused.
    admin = _client(app, UserFactory(role="admin"))
    assert 'name="ids"' not in admin.get("/equipe/remontees").get_data(as_text=True)
    assert admin.post("/equipe/remontees/lot", data={"ids": [str(reports[1].id)],
                                                     "action": "qualify"}).status_code == 403


# --- item 14: assignee column, filters ------------------------------------------------------------------


def test_board_shows_assignee_and_labels_and_filters_on_them(app, world):
    mine = file_report(world.agent, world.caf_app, title="À moi")
    colleague = UserFactory(role="triager", team=world.caf_team, full_name="Camille Collègue")
    theirs = file_report(world.agent, world.caf_app, title="À Camille")
    nobody = file_report(world.agent, world.caf_app, title="Personne")
    triage.assign(world.dev_caf, mine, world.dev_caf)
    triage.assign(world.dev_caf, theirs, colleague)
    label = labels.create_label(world.dev_caf, world.caf_team, "Régression", "green-menthe")
    bulk.apply(world.dev_caf, [str(theirs.id)], "label", label_id=label.id)
    client = _client(app, world.dev_caf)
    page = html.unescape(client.get("/equipe/remontees").get_data(as_text=True))
    assert "Personne en charge" in page and "Camille Collègue" in page and world.dev_caf.full_name in page
    assert 'fr-badge--green-menthe">Régression' in page

    def refs(query):
        text = client.get(f"/equipe/remontees?{query}").get_data(as_text=True)
        return set(re.findall(r'href="/remontees/(R-\d{4}-\d{6})"', text))

    assert refs("assignee=me") == {mine.reference}
    assert refs("assignee=none") == {nobody.reference}
    assert refs(f"label={label.id}") == {theirs.reference}
    assert refs("label=abc") == {mine.reference, theirs.reference, nobody.reference}


# --- item 14: single-key shortcuts switch (WCAG 2.1.4) --------------------------------------------------


def test_single_key_shortcuts_can_be_turned_off_per_user(app, world):
    file_report(world.agent, world.caf_app)
    client = _client(app, world.dev_caf)
    assert 'data-shortcuts="on"' in client.get("/equipe/remontees").get_data(as_text=True)
    assert client.post("/equipe/raccourcis", data={}).status_code == 302
    assert labels.keyboard_shortcuts_on(world.dev_caf) is False
    page = client.get("/equipe/remontees").get_data(as_text=True)
    assert 'data-shortcuts="off"' in page and "Activer les raccourcis à une touche" in page
    # Another member of the team keeps them.
    colleague = UserFactory(role="triager", team=world.caf_team)
    assert 'data-shortcuts="on"' in _client(app, colleague).get("/equipe/remontees").get_data(as_text=True)
    client.post("/equipe/raccourcis", data={"keyboard_shortcuts": "y"})
    assert labels.keyboard_shortcuts_on(world.dev_caf) is True


def test_labels_and_assignees_add_no_query_per_row(app, world):
    from tests.query_counter import count_queries

    label = labels.create_label(world.dev_caf, world.caf_team, "Mobile", "pink-tuile")
    other_label = labels.create_label(world.dev_caf, world.caf_team, "Régression", "green-menthe")
    client = _client(app, world.dev_caf)

    def measure():
        client.get("/equipe/remontees")
        with count_queries(app) as counter:
            response = client.get("/equipe/remontees?sort=people")
        assert response.status_code == 200
        return counter.count, response.get_data(as_text=True)

    def add(n):
        reports = [file_report(UserFactory(role="agent"), world.caf_app, title=f"T{i}") for i in range(n)]
        ids = [str(r.id) for r in reports]
        bulk.apply(world.dev_caf, ids, "assign", assignee_id=world.dev_caf.id)
        bulk.apply(world.dev_caf, ids, "label", label_id=label.id)
        bulk.apply(world.dev_caf, ids, "label", label_id=other_label.id)

    add(2)
    few, page = measure()
    assert page.count("fr-badge--pink-tuile") == 2
    add(13)
    many, page = measure()
    assert page.count("fr-badge--pink-tuile") == 15 and page.count(world.dev_caf.full_name) >= 15
    assert few == many, (few, many)


def test_follow_up_actions_bring_the_reader_back_to_their_section(app, world):
    report = file_report(world.agent, world.caf_app)
    label = labels.create_label(world.dev_caf, world.caf_team, "Mobile", "pink-tuile")
    bulk.apply(world.dev_caf, [str(report.id)], "label", label_id=label.id)
    client = _client(app, world.dev_caf)
    response = client.post(f"/equipe/remontees/{report.reference}/assignation", data={"assignee": str(world.dev_caf.id)})
    assert response.headers["Location"].endswith("#suivi")
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Personne en charge mise à jour." in page[page.index('id="suivi"'):]
    assert 'fr-badge--pink-tuile">Mobile' in page  # the report's labels, next to its status


def test_labels_of_one_report_are_set_and_removed_from_its_page(app, world):
    report = file_report(world.agent, world.caf_app)
    mobile = labels.create_label(world.dev_caf, world.caf_team, "Mobile", "pink-tuile")
    regression = labels.create_label(world.dev_caf, world.caf_team, "Régression", "green-menthe")
    foreign = labels.create_label(world.dev_ants, world.ants_team, "Étrangère", "blue-ecume")
    client = _client(app, world.dev_caf)
    url = f"/equipe/remontees/{report.reference}/etiquettes"
    assert client.post(url, data={"labels": [str(mobile.id), str(regression.id)]}).status_code == 302
    assert [label.id for label in labels.labels_by_report([report.id])[report.id]] == [mobile.id, regression.id]
    assert client.post(url, data={"labels": [str(regression.id)]}).status_code == 302
    assert [label.id for label in labels.labels_by_report([report.id])[report.id]] == [regression.id]
    client.post(url, data={"labels": [str(foreign.id)]})
    assert [label.id for label in labels.labels_by_report([report.id])[report.id]] == [regression.id]
    assert _client(app, world.dev_ants).post(url, data={"labels": [str(foreign.id)]}).status_code == 404
    assert len(_actions(report, "report.labels")) == 2
