"""The expert board (filters, urgency order, late view), routing by theme, named-expert invitations,
attachments re-encoded and encrypted, and query counts that do not grow with the data."""
import io

from PIL import Image

from app.backoffice import conversation, groups, lists, queries, requests
from app.backoffice.models import SupportAttachment, SupportGroup
from app.common.refcache import forget
from app.extensions import db
from app.reports.catalog_models import Procedure
from tests.backoffice.factories import agent, ask, board_filters, board_page, expert, group, my_requests_page
from tests.factories import PASSWORD
from tests.query_counter import count_queries
from tests.reports.factories import ApplicationFactory, OperatorFactory


def _procedure(code):
    application = ApplicationFactory(operator=OperatorFactory())
    row = Procedure(application_id=application.id, code=code, title=code.upper())
    db.session.add(row)
    db.session.commit()
    return row


def _ids(user, *args, **kwargs):
    return [r.id for r in board_page(user, *args, **kwargs).items]


def test_board_sorts_by_urgency_then_age_and_filters(db):
    caf = expert()
    group(departments=("69", "01"), experts=[caf])
    old_plain = ask(agent())
    eviction = ask(agent(), urgency="eviction")
    from_01 = ask(agent(department="01"), urgency="no_income")
    assert _ids(caf) == [eviction.id, from_01.id, old_plain.id]
    assert _ids(caf, department="01") == [from_01.id]
    # The totals: the view's own count, or (« Toutes », no urgency chosen) the filters' pairs summed.
    assert [board_page(caf, **kw).total for kw in ({}, {"department": "01"}, {"department": "02"},
                                                          {"urgency": "eviction"}, {"view": "new"})] == [3, 1, 0, 1, 3]
    assert _ids(caf, urgency="eviction") == [eviction.id]
    conversation.take(caf, old_plain)
    assert _ids(caf, "mine") == [old_plain.id]
    assert set(_ids(caf, "new")) == {eviction.id, from_01.id}
    from datetime import timedelta

    from app.common.timezones import utcnow

    assert set(_ids(caf, "late", now=utcnow() + timedelta(days=30))) == {
        old_plain.id, eviction.id, from_01.id}
    assert _ids(caf, "late") == []


def test_routing_prefers_the_group_of_the_procedure_theme(db):
    rsa, apl = _procedure("rsa"), _procedure("apl")
    generic = group("APPUI-CAF-69", experts=[expert()])
    themed = group("APPUI-CAF-69-RSA", procedures=[rsa])
    assert groups.route("caf", "69", rsa.id)[0].id == themed.id
    assert groups.route("caf", "69", apl.id)[0].id == generic.id
    assert groups.route("caf", "69")[0].id == generic.id


def test_invite_a_named_expert_who_then_sees_the_request(db):
    caf, other = expert(), expert(department="13")
    group(experts=[caf])
    row = ask(agent())
    assert queries.find_request(other, row.reference) is None
    conversation.invite(caf, row, expert=other, message="Ton avis ?")
    assert queries.find_request(other, row.reference) is not None and row.handoffs == 1


def test_a_request_invited_to_the_group_and_to_the_expert_by_name_shows_once(db):
    """The invitations are read by group and by user separately (two index-only scans): a request invited both
    ways is still one row of the board, counted once."""
    caf, national = expert(), expert(department="13")
    group(experts=[caf])
    national_group = group("APPUI-CAF-NATIONAL", national=True, experts=[national])
    row = ask(agent())
    conversation.invite(caf, row, group=national_group, message="Pour le pôle")
    conversation.invite(caf, row, expert=national, message="Et pour toi")
    page = board_page(national)
    assert [r.id for r in page.items] == [row.id] and page.total == 1


def test_attachments_images_reencoded_pdf_kept_and_both_encrypted(db):
    group(experts=[expert()])
    image = Image.new("RGB", (20, 20), "red")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", comment=b"secret-comment")
    bad = [("notes.txt", b"hello")]
    import pytest

    with pytest.raises(requests.RequestError, match="PNG, JPEG et PDF"):
        requests.create_request(agent(), {"operator": "caf", "subject": "s", "situation": "t"}, attachments=bad)
    desk = agent()
    row = requests.create_request(desk, {"operator": "caf", "subject": "s", "situation": "t"},
                                  attachments=[("capture.jpg", buffer.getvalue()), ("doc.pdf", b"%PDF-1.4 test")])
    stored = db.session.scalars(db.select(SupportAttachment).order_by(SupportAttachment.id)).all()
    assert [a.content_type for a in stored] == ["image/jpeg", "application/pdf"]
    assert all(b"secret-comment" not in a.data and b"%PDF" not in a.data for a in stored)
    _meta, data = requests.attachment_data(desk, row, stored[0].id)
    assert data.startswith(b"\xff\xd8") and b"secret-comment" not in data


def _count(app, user, path):
    client = app.test_client()
    client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    client.get(path)
    with count_queries(app) as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_board_and_my_requests_run_the_same_queries_whatever_the_number_of_requests(app, db):
    caf = expert()
    group(experts=[caf])
    desk = agent()
    ask(desk)
    board_few, mine_few = _count(app, caf, "/appui/pole"), _count(app, desk, "/appui/demandes")
    # The user; the rows, total, filters and the expert's groups and preference (the agent: rows and preference).
    assert (board_few, mine_few) == (2, 2)
    for _ in range(5):
        ask(desk, urgency="no_income")
    assert _count(app, caf, "/appui/pole") == board_few
    assert _count(app, desk, "/appui/demandes") == mine_few


def test_the_board_read_with_the_expert_s_groups_is_shown_only_for_the_groups_it_was_read_for(app, db):
    caf, other = expert(), expert()
    first = group(experts=[caf, other])
    second = group(code="APPUI-CAF-01", departments=("01",), experts=[other])
    in_first, in_second = ask(agent()), ask(agent(department="01"))
    lists._scope_hints.clear()
    db.session.refresh(caf)  # its columns read here, not counted below
    with count_queries(app) as counter:  # not read before by this process: the groups, then the board
        board = lists.read_board(caf)
    assert counter.count == 2 and [r.id for r in board.page.items] == [in_first.id]
    assert lists._scope_hints[caf.id] == (first.id,)
    with count_queries(app) as counter:  # read before: one query, the groups checked in it
        board = lists.read_board(caf)
    assert counter.count == 1 and [g.code for g in board.groups] == ["APPUI-CAF-69"]
    groups.add_member(None, second, caf.email)
    db.session.refresh(caf)
    with count_queries(app) as counter:  # a group more since: the first read is not shown, the board read again
        board = lists.read_board(caf)
    assert counter.count == 2 and [r.id for r in board.page.items] == [in_first.id, in_second.id]
    assert [g.code for g in board.groups] == ["APPUI-CAF-01", "APPUI-CAF-69"] and board.departments == ["01", "69"]
    groups.remove_member(None, second, caf)
    groups.remove_member(None, first, caf)
    db.session.refresh(caf)
    with count_queries(app) as counter:  # no group left: nothing of the groups read with the old guess
        board = lists.read_board(caf)
    assert counter.count == 2 and board.page.items == [] and board.groups == [] and board.departments == []
    assert lists._scope_hints[caf.id] == ()
    # Another expert's guess is their own: the other expert's board shows both groups.
    assert {r.id for r in lists.read_board(other).page.items} == {in_first.id, in_second.id}


def _client(app, user):
    client = app.test_client()
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_board_and_my_requests_come_a_page_at_a_time(app, db, monkeypatch):
    monkeypatch.setattr(lists, "PER_PAGE", 2)
    caf = expert()
    group(experts=[caf])
    desk = agent()
    made = [ask(desk) for _ in range(3)]
    first, second = board_page(caf), board_page(caf, page_arg="2")
    assert [r.id for r in first.items + second.items] == [r.id for r in made]  # same urgency: oldest first
    assert first.total == 3 and first.has_next and not second.has_next
    assert [r.reference for r in my_requests_page(desk).items] == [made[2].reference, made[1].reference]
    board = _client(app, caf).get("/appui/pole?vue=new").get_data(as_text=True)
    assert "3 demandes" in board and "1 / 2" in board and "/appui/pole?page=2&amp;vue=new" in board
    mine = _client(app, desk).get("/appui/demandes?page=2").get_data(as_text=True)
    assert made[0].reference in mine and made[2].reference not in mine and "2 / 2" in mine


def test_unread_answers_are_counted_until_the_agent_opens_the_request(app, db):
    caf = expert()
    group(experts=[caf])
    desk = agent()
    row = ask(desk)
    assert my_requests_page(desk).items[0].unread == 0
    conversation.answer(caf, row, "Première réponse.")
    conversation.answer(caf, row, "Précision.")
    assert my_requests_page(desk).items[0].unread == 2
    client = _client(app, desk)
    assert "2 nouvelles" in client.get("/appui/demandes").get_data(as_text=True)
    assert client.get(f"/appui/demandes/{row.reference}").status_code == 200
    assert my_requests_page(desk).items[0].unread == 0
    with count_queries(app) as counter:  # nothing new since: the second visit writes nothing
        assert client.get(f"/appui/demandes/{row.reference}").status_code == 200
    assert not [s for s in counter.statements if s.lstrip().upper().startswith("UPDATE SUPPORT_REQUESTS")]
    conversation.answer(caf, row, "Encore une.")
    assert my_requests_page(desk).items[0].unread == 1


def test_board_filters_list_what_the_open_requests_hold(db):
    rsa = _procedure("rsa")
    caf = expert()
    group(departments=("69", "01"), experts=[caf])
    ask(agent(), procedure_id=rsa.id)
    closed = ask(agent(department="01"))
    closed.status, closed.closed_at = "closed", closed.created_at
    db.session.commit()
    assert board_filters(caf) == (["69"], [(rsa.id, "RSA")])
    assert board_page(caf, procedure_id=rsa.id).total == 1 and board_page(caf).total == 1


def test_board_filter_choices_kept_for_a_while_rows_and_totals_read_every_time(app, db):
    rsa = _procedure("rsa")
    caf = expert()
    group(departments=("69", "01"), experts=[caf])
    first = ask(agent(), procedure_id=rsa.id)
    app.config["BACKOFFICE_FILTERS_CACHE_SECONDS"] = 60
    try:
        assert board_filters(caf) == (["69"], [(rsa.id, "RSA")])
        later = ask(agent(department="01"), urgency="eviction")
        board = lists.read_board(caf)
        # The choices are the kept ones (a new département shows after the delay); the rows and totals are
        # exact, whichever view or filter, as without the cache.
        assert (board.departments, board.procedures) == (["69"], [(rsa.id, "RSA")])
        assert [r.id for r in board.page.items] == [later.id, first.id] and board.page.total == 2
        assert [board_page(caf, **kw).total for kw in ({"department": "01"}, {"procedure_id": rsa.id},
                                                              {"urgency": "eviction"}, {"view": "new"})] == [1, 1, 1, 2]
        forget(lists.FILTERS_KEY)
        assert board_filters(caf) == (["01", "69"], [(rsa.id, "RSA")])
    finally:
        app.config["BACKOFFICE_FILTERS_CACHE_SECONDS"] = 0
        forget(lists.FILTERS_KEY)


def test_the_debrief_section_says_when_none_was_asked(app, db):
    caf = expert()
    group(experts=[caf])
    desk = agent()
    row = ask(desk)
    expert_page = _client(app, caf).get(f"/appui/demandes/{row.reference}").get_data(as_text=True)
    assert "Aucun débrief demandé." in expert_page
    agent_page = _client(app, desk).get(f"/appui/demandes/{row.reference}").get_data(as_text=True)
    assert "Aucun débrief demandé." not in agent_page and "Demander un débrief avec un expert" in agent_page


def test_board_rows_and_departement_options_are_written_escaped():
    from datetime import UTC, datetime

    row = lists.RequestRow(1, "A-2026-000001", 'Loyer <b>"impayé"</b> & CAF', "new", "none", None, "971", 2,
                           datetime(2026, 1, 31, 23, 30, tzinfo=UTC), None, False)
    html = lists.board_rows([row], "/appui/demandes/")
    assert '<a href="/appui/demandes/A-2026-000001">A-2026-000001</a>' in html
    assert "<td>Loyer &lt;b&gt;&#34;impayé&#34;&lt;/b&gt; &amp; CAF</td>" in html
    # The creation day in the asking site's calendar (Guadeloupe: still the 31st), as strftime writes it.
    assert "<td>971</td><td>31/01/2026</td><td>2</td>" in html and row.created_on == "31/01/2026"
    assert lists.department_options(("01", "2A", "<x>"), "2A") == (
        '<option value="01">01</option><option value="2A" selected>2A</option>'
        '<option value="&lt;x&gt;">&lt;x&gt;</option>')


def test_the_request_page_keeps_the_active_groups_until_a_group_changes(app, db):
    caf = expert()
    local = group(experts=[caf])
    group("APPUI-CAF-01", departments=("01",))
    row = ask(agent())
    path = f"/appui/demandes/{row.reference}"
    app.config["REFERENCE_CACHE_SECONDS"] = 60
    try:
        first = _count(app, caf, path)
        # The groups kept by the process: the same two queries (the user; the request with its page), the
        # choices the same.
        assert _count(app, caf, path) == first == 2
        page = _client(app, caf).get(path).get_data(as_text=True)
        assert page.count('<option value="APPUI-CAF-01">Pôle APPUI-CAF-01 (01)</option>') == 2
        assert 'value="APPUI-CAF-69"' not in page  # the request's own group is not a choice
        db.session.execute(db.update(SupportGroup).where(SupportGroup.code == "APPUI-CAF-01").values(name="Ain"))
        db.session.commit()
        assert ">Ain (01)" not in _client(app, caf).get(path).get_data(as_text=True)  # kept, not read again
        groups.update_group(None, local, "Pôle du Rhône", ["69"])
        other = groups.group_by_code("APPUI-CAF-01")
        groups.update_group(None, other, "Pôle de l'Ain", ["01"])
        page = _client(app, caf).get(path).get_data(as_text=True)
        assert page.count("Pôle de l&#39;Ain (01)</option>") == 2
    finally:
        app.config["REFERENCE_CACHE_SECONDS"] = 0
        forget(groups.ACTIVE_GROUPS_KEY)
