"""Each group's number of open requests, kept on every write (app.backoffice.open_counts): the same as counted
from the requests after each step of a request's life, rebuilt by the repair and the migration, and read by the
expert board for its plain view's total."""
import pytest
from flask_migrate import downgrade, upgrade

from app.backoffice import conversation, lists, open_counts
from app.backoffice.models import SupportGroupOpenCount
from app.common.refcache import forget
from app.extensions import db
from tests.backoffice.factories import agent, ask, board_page, expert, group
from tests.conftest import fresh_app_context

BEFORE = "f3c1a7e5b920"  # the revision before the counts


@pytest.fixture
def kept_filters(app):
    """The filters' choices kept by the process as when served (0 in the tests): the board's plain view then
    reads its total from the kept counts; its first read (choices not kept yet) sums the scope's pairs."""
    app.config["BACKOFFICE_FILTERS_CACHE_SECONDS"] = 60
    forget(lists.FILTERS_KEY)
    yield
    app.config["BACKOFFICE_FILTERS_CACHE_SECONDS"] = 0
    forget(lists.FILTERS_KEY)


def _total(user):
    """The board's total read from the kept counts, checked against the one summed from the scope's pairs."""
    forget(lists.FILTERS_KEY)
    summed = board_page(user).total
    kept = board_page(user).total
    assert kept == summed
    return kept


def _kept_equals_counted():
    db.session.expire_all()
    kept = open_counts.stored()
    assert kept == open_counts.recount()
    return kept


def test_the_counts_follow_each_step_of_a_request(db, kept_filters):
    caf, national_expert = expert(), expert(department="75")
    local = group(experts=[caf])
    national = group("APPUI-CAF-NAT", national=True, experts=[national_expert])
    author = agent()
    first, second, third = ask(author), ask(author), ask(author)
    assert _kept_equals_counted() == {local.id: 3}
    assert _total(caf) == 3

    conversation.reroute(caf, second, national, "Dossier national")
    assert _kept_equals_counted() == {local.id: 2, national.id: 1}
    conversation.invite(caf, third, group=national)
    assert _total(national_expert) == 2  # its own one and the one it is invited on
    conversation.take(caf, first)
    conversation.answer(caf, first, "Voici la marche à suivre.")
    assert _kept_equals_counted() == {local.id: 2, national.id: 1}  # answered is still open

    conversation.close(author, first, "yes")
    conversation.close(author, third, "no")
    assert _kept_equals_counted() == {national.id: 1}
    assert _total(caf) == 0 and _total(national_expert) == 1

    conversation.agent_message(author, first, "Une dernière question.")  # reopens it
    assert _kept_equals_counted() == {local.id: 1, national.id: 1}
    assert _total(caf) == 1
    assert [r.id for r in board_page(caf).items] == [first.id]

    # The filtered views still count the requests themselves: the same figure.
    assert board_page(caf, department="69").total == board_page(caf).total == 1


def test_rebuild_repairs_wrong_counts(db, kept_filters):
    caf = expert()
    local = group(experts=[caf])
    ask(agent())
    db.session.execute(db.update(SupportGroupOpenCount).values(open_requests=40))
    db.session.commit()
    board_page(caf)  # the choices kept
    assert board_page(caf).total == 40  # what is kept is what is shown: hence the repair
    assert open_counts.rebuild() == 1
    assert _kept_equals_counted() == {local.id: 1}
    assert board_page(caf).total == 1
    assert open_counts.rebuild() == 0


def test_the_migration_counts_the_open_requests(tmp_path):
    with fresh_app_context(tmp_path):
        upgrade(revision="heads")
        local_id = group(experts=[expert()]).id
        author = agent()
        ask(author)
        conversation.close(author, ask(author), "yes")
        db.session.remove()  # no open transaction: on PostgreSQL it would block the downgrade's DROP
        downgrade(revision=BEFORE)
        assert "support_group_open_counts" not in db.inspect(db.engine).get_table_names()
        upgrade(revision="heads")
        assert open_counts.stored() == open_counts.recount() == {local_id: 1}


def test_a_status_or_group_written_on_a_request_expired_by_a_commit_still_counts(db):
    group(experts=[expert()])
    national = group("APPUI-CAF-NAT", national=True)
    row = ask(agent())  # committed: its attributes expired, the values it leaves are loaded when set
    row.group_id = national.id
    db.session.commit()
    assert _kept_equals_counted() == {national.id: 1}
    row.status = "closed"
    db.session.commit()
    assert _kept_equals_counted() == {}
