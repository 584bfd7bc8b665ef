"""The request page reads its request and its parts in one query (queries.read_request_page): the request only
in the reader's scope, every part only through it, the page's row answering as the mapped request does."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.dialects import postgresql

from app.audit.models import AuditLog
from app.backoffice import conversation, queries
from app.backoffice.models import SupportRequest
from app.common.dbreads import is_plain_read
from app.extensions import db
from tests.backoffice.factories import CITIZEN, CONSENT, agent, ask, expert, group, rsa_procedure
from tests.factories import PASSWORD, UserFactory
from tests.query_counter import count_queries

# The parts that are about the request (the others are the reader's groups, the active groups, and a count
# of the request's group's recent requests: 0 without a request).
REQUEST_PARTS = ("request", "invitations", "messages", "events", "attachments", "debriefs", "colleagues")


@pytest.fixture
def world(db):
    caf = expert()
    local = group(experts=[caf])
    national_expert = expert(department="75")
    national = group("APPUI-CAF-NAT", national=True, experts=[national_expert])
    desk = agent()
    colleague = UserFactory(role="agent", organisation=desk.organisation, full_name="Zoé Collègue")
    row = ask(desk, citizen=CITIZEN, consent=CONSENT, urgency="no_income")
    conversation.take(caf, row)
    conversation.answer(caf, row, "Voici la marche à suivre.")
    conversation.invite(caf, row, group=national, message="Un avis ?")
    db.session.refresh(row)
    return {"caf": caf, "local": local, "national_expert": national_expert, "desk": desk, "colleague": colleague,
            "row": row}


def _client(app, user):
    client = app.test_client()
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def _raw_parts(user, reference):
    """Every part of the page's query for this reader and reference, as read (no access decision in Python)."""
    role = getattr(user.role, "value", user.role)
    found = queries._page_union(role, user.organisation_id is not None).read(
        {"reference": reference, "user_id": user.id, "organisation_id": user.organisation_id,
         "since": datetime.now(UTC) - timedelta(days=30)})
    return found


def test_the_page_row_answers_as_the_mapped_request(world):
    row = world["row"]
    now = row.due_at + timedelta(days=1)
    for reader in (world["caf"], world["national_expert"], world["desk"], UserFactory(role="admin")):
        view, _parts = queries.read_request_page(reader, row.reference.lower())
        assert isinstance(view, queries.RequestView) and view.reference == row.reference
        for name in (*queries._REQUEST_COLUMNS, "has_citizen_block", "status_label", "operator_label",
                     "urgency_label", "useful_label", "consent_label", "is_closed", "answer_expected_on"):
            assert getattr(view, name) == getattr(row, name), name
        for name in queries._TIMESTAMPS:  # aware, in UTC, as UTCDateTime gives them
            value = getattr(view, name)
            assert value is None or value.utcoffset() == timedelta(0), name
        assert (view.group.name, view.group.code, view.procedure) == (row.group.name, row.group.code, None)
        assert [(i.group_id, i.user_id) for i in view.invitations] == [(i.group_id, i.user_id)
                                                                       for i in row.invitations]
        assert view.working_group_ids() == row.working_group_ids() and len(view.working_group_ids()) == 2
        assert view.is_late(now) == row.is_late(now)
        for user in (world["caf"], world["national_expert"], world["desk"], world["colleague"]):
            assert view.is_owner(user) == row.is_owner(user)
            assert view.can_see_citizen_block(user, {world["local"].id}) == row.can_see_citizen_block(
                user, {world["local"].id})


def test_the_page_row_names_its_procedure(db):
    procedure = rsa_procedure()
    caf = expert()
    group(experts=[caf])
    row = ask(agent(), procedure_id=procedure.id)
    view, parts = queries.read_request_page(caf, row.reference)
    assert view.procedure == ("Demande de RSA",) and view.procedure.title == row.procedure.title
    assert parts.recent_count == 1  # the request itself, on its group and procedure, in the last 30 days


def test_a_request_out_of_scope_is_not_found_and_none_of_its_parts_is_read(app, world):
    row = world["row"]
    stranger_expert = expert(operator="cpam")
    group("APPUI-CPAM-69", operator="cpam", experts=[stranger_expert])
    stranger_agent = agent()
    for user in (stranger_expert, stranger_agent, world["colleague"]):  # the colleague: not shared yet
        assert queries.read_request_page(user, row.reference) == (None, None)
        found = _raw_parts(user, row.reference)
        assert all(found.get(name, []) == [] for name in REQUEST_PARTS), found
        assert found.get("recent", [0]) == [0]
        assert _client(app, user).get(f"/appui/demandes/{row.reference}").status_code == 404
    reader = _client(app, world["desk"])
    for reference in ("A-2099-000001", "xyz", "A-" + "9" * 30):
        assert reader.get(f"/appui/demandes/{reference}").status_code == 404


def test_the_colleagues_are_read_for_the_asking_agent_only(app, world):
    row, desk, colleague = world["row"], world["desk"], world["colleague"]
    assert [(id_, name) for id_, name in _raw_parts(desk, row.reference)["colleagues"]] == [(colleague.id, "Zoé Collègue")]
    row.shared_with_site = True
    db.session.commit()
    view, parts = queries.read_request_page(colleague, row.reference)
    assert view is not None and parts.colleagues == [] and _raw_parts(colleague, row.reference)["colleagues"] == []
    page = _client(app, colleague).get(f"/appui/demandes/{row.reference}").get_data(as_text=True)
    assert "Vos actions" not in page and "Voici la marche à suivre." in page


def test_the_request_page_is_two_queries_for_each_reader(app, world):
    path = f"/appui/demandes/{world['row'].reference}"
    admin = UserFactory(role="admin")
    for user in (world["caf"], world["desk"], admin):
        client = _client(app, user)
        client.get(path)  # the agent's first visit marks the answer read
        with count_queries(app) as counter:
            assert client.get(path).status_code == 200
        assert counter.count == 2  # the user; the request with its page  # the user; the request with its page


def test_the_asking_agent_s_visit_marks_the_answers_read_once(app, world):
    row, desk = world["row"], world["desk"]
    request_id, path, updated_at = row.id, f"/appui/demandes/{row.reference}", row.updated_at
    assert row.agent_read_at is None
    client = _client(app, desk)
    assert client.get(path).status_code == 200
    db.session.expire_all()
    read_at = db.session.get(SupportRequest, request_id).agent_read_at
    assert read_at is not None and db.session.get(SupportRequest, request_id).updated_at > updated_at
    with count_queries(app) as counter:
        assert client.get(path).status_code == 200
    assert counter.count == 2 and not [s for s in counter.statements if "UPDATE" in s.upper()]
    db.session.expire_all()
    assert db.session.get(SupportRequest, request_id).agent_read_at == read_at


def test_the_citizen_block_shown_from_the_page_row_is_read_and_audited_on_the_request(app, world):
    row = world["row"]
    page = _client(app, world["caf"]).get(f"/appui/demandes/{row.reference}?usager=1").get_data(as_text=True)
    assert "7654321" in page
    audit = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "support.citizen_read")).one()
    assert (audit.target_type, audit.target_id, audit.actor_id) == ("support_requests", str(row.id), world["caf"].id)
    view, _parts = queries.read_request_page(world["caf"], row.reference)
    assert not hasattr(view, "citizen_block")  # the page's row says there is one, it does not carry it


@pytest.mark.parametrize("role, has_organisation, with_request, groups", [
    ("expert", True, True, True), ("expert", True, True, False), ("expert", False, False, True),
    ("agent", True, True, True), ("agent", False, True, True), ("agent", True, False, True),
    ("admin", False, True, True)])
def test_the_page_query_is_a_plain_read_on_postgresql(role, has_organisation, with_request, groups):
    """A plain read runs outside a transaction (app.common.dbreads): no BEGIN and ROLLBACK round trips."""
    statement = queries._page_union(role, has_organisation, with_request, groups).statement
    sql = str(statement.compile(dialect=postgresql.psycopg.dialect()))
    assert sql.lstrip().upper().startswith("WITH") and is_plain_read(sql)


def test_the_kept_active_groups_give_the_same_choices_for_the_same_excluded_groups():
    from app.backoffice.forms import group_choices

    groups = (queries.GroupChoiceRow(1, "SC-A", "Pôle A", False, "69"),
              queries.GroupChoiceRow(2, "SC-N", "Pôle <N>", True, ""))
    first = group_choices(groups, {1})
    assert group_choices(groups, {1}) is first and [c.value for c in first] == ["", "SC-N"]
    assert [c.value for c in group_choices(groups, {2})] == ["", "SC-A"]
    assert first.options_html() == '<option value="">— Choisissez —</option><option value="SC-N">Pôle &lt;N&gt; (National)</option>'
    renamed = (groups[0], queries.GroupChoiceRow(2, "SC-N", "Pôle national", True, ""))  # a new version of the list
    assert "Pôle national (National)" in group_choices(renamed, {1}).options_html()
    assert group_choices(groups, {1}) is not first and group_choices(groups, {1}).options_html() == first.options_html()
