"""Invitations follow their request: the expert board reads the invitations of open requests only
(`request_open`), kept when the request closes or reopens, set from the requests' status by the seeders and
by the migration that added it."""
from flask_migrate import downgrade, upgrade

from app.backoffice import conversation, delay_summary, invitations
from app.backoffice.models import SupportInvitation
from app.extensions import db
from tests.backoffice.factories import agent, ask, board_page, expert, group
from tests.conftest import fresh_app_context

BEFORE = "e2b9d4f6a031"  # the revision before request_open


def _marks():
    return dict(db.session.execute(db.select(SupportInvitation.id, SupportInvitation.request_open)).all())


def _board(user):
    return [r.id for r in board_page(user).items]


def _local_and_national():
    """An expert of the local group, an expert of the national group, that group, and an agent."""
    caf, national_expert = expert(), expert(department="75")
    group(experts=[caf])
    national = group("APPUI-CAF-NAT", national=True, experts=[national_expert])
    return caf, national_expert, national, agent()


def test_an_invited_group_sees_the_request_while_it_is_open_and_again_when_it_reopens(db):
    caf, national_expert, national, author = _local_and_national()
    row, other = ask(author), ask(author)
    conversation.invite(caf, row, group=national, message="Avis national ?")
    conversation.invite(caf, other, expert=national_expert)
    assert set(_board(national_expert)) == {row.id, other.id}

    conversation.close(author, row, "yes")
    assert _board(national_expert) == [other.id]
    db.session.expire_all()
    assert {i.request_open for i in row.invitations} == {False}
    assert {i.request_open for i in other.invitations} == {True}
    assert invitations.follow_status() == 0  # kept step by step = set from the statuses

    conversation.agent_message(author, row, "Finalement, la CAF demande un autre justificatif.")
    assert set(_board(national_expert)) == {row.id, other.id}
    assert {i.request_open for i in row.invitations} == {True}
    assert invitations.follow_status() == 0


def test_follow_status_sets_every_mark_from_the_requests_status(db):
    caf, national_expert, national, author = _local_and_national()
    kept, closed = ask(author), ask(author)
    for row in (kept, closed):
        conversation.invite(caf, row, group=national)
    conversation.close(author, closed, "no")
    expected = _marks()
    db.session.execute(db.update(SupportInvitation).values(  # bulk writes that left the marks wrong
        request_open=db.case((SupportInvitation.request_id == closed.id, True), else_=False)))
    db.session.commit()
    assert _board(national_expert) == []  # the open one unmarked; the closed one marked, its status still read

    assert invitations.follow_status() == 2
    db.session.commit()
    assert _marks() == expected
    assert _board(national_expert) == [kept.id]


def test_the_migration_marks_the_invitations_of_closed_requests(tmp_path):
    with fresh_app_context(tmp_path):
        upgrade(revision="heads")
        caf = expert()
        group(experts=[caf])
        national = group("APPUI-CAF-NAT", national=True)
        author = agent()
        kept, closed = ask(author), ask(author)
        for row in (kept, closed):
            conversation.invite(caf, row, group=national)
        conversation.close(author, closed, "yes")
        expected = {kept.invitations[0].id: True, closed.invitations[0].id: False}
        db.session.remove()  # no open transaction: on PostgreSQL it would block the downgrade's ALTER
        downgrade(revision=BEFORE)
        assert "request_open" not in {c["name"] for c in db.inspect(db.engine).get_columns("support_invitations")}
        upgrade(revision="heads")
        assert _marks() == expected
        indexes = {i["name"] for i in db.inspect(db.engine).get_indexes("support_invitations")}
        assert {"ix_support_invitations_open_group", "ix_support_invitations_open_user"} <= indexes
        assert "ix_support_requests_open_by_id" in {i["name"] for i in db.inspect(db.engine).get_indexes(
            "support_requests")}


def test_the_repair_command_sets_the_marks_and_the_counts_again(app, db):
    from app.backoffice.models import SupportDelayMonth, SupportGroupOpenCount

    caf = expert()
    group(experts=[caf])
    national = group("APPUI-CAF-NAT", national=True)
    author = agent()
    row = ask(author)
    conversation.invite(caf, row, group=national)
    db.session.execute(db.update(SupportInvitation).values(request_open=False))
    db.session.execute(db.update(SupportGroupOpenCount).values(open_requests=7))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["support", "repair"])
    assert result.exit_code == 0, result.output
    assert "1 invitation(s) remise(s) en accord" in result.output
    assert "1 pôle(s) dont le nombre de demandes ouvertes a été recompté" in result.output
    assert "0 ligne(s) mensuelle(s) de délais" in result.output  # no request answered yet
    db.session.expire_all()
    assert set(_marks().values()) == {True}
    assert db.session.scalar(db.select(SupportGroupOpenCount.open_requests).where(
        SupportGroupOpenCount.group_id == row.group_id)) == 1
    conversation.take(caf, row)
    conversation.answer(caf, row, "Voici la marche à suivre.")
    db.session.execute(db.delete(SupportDelayMonth))  # a summary lost
    db.session.commit()
    assert delay_summary.stored() == {}
    assert "1 ligne(s) mensuelle(s) de délais" in runner.invoke(args=["support", "repair"]).output
    assert delay_summary.stored() == delay_summary.recount() != {}
    again = runner.invoke(args=["support", "repair"]).output
    assert "0 invitation(s)" in again and "0 pôle(s)" in again


def test_any_write_of_the_status_through_the_orm_marks_the_invitations(db):
    caf = expert()
    group(experts=[caf])
    national = group("APPUI-CAF-NAT", national=True)
    row = ask(agent())
    conversation.invite(caf, row, group=national)
    row.status = "closed"  # not through conversation (an administrator's correction, a future job)
    db.session.commit()
    assert set(_marks().values()) == {False}
    row.status = "taken"
    db.session.commit()
    assert set(_marks().values()) == {True}
    assert invitations.follow_status() == 0
