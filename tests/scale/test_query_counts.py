"""Every page measured by the benchmark runs the same number of SQL queries at two scales."""
import re

from app.accounts.models import Organisation, User, find_user_by_email
from app.accounts.services import create_api_token
from app.extensions import db
from app.passports.documents import passport_document, token_for
from app.reports.models import Application, Report
from app.scale.seed import scaled, seed_scale
from app.seed import DEMO_PASSWORD
from app.training.models import Lesson, Module, ModuleCompletion
from tests.conftest import _clear_tables
from tests.query_counter import count_queries

SMALL, LARGE = 0.0005, 0.002
# Pages whose number of queries is fixed, not only flat: one more query on them fails here.
EXACT = {
    # The user; what every domain shows, in one query (app.common.home); the training catalogue's 4, read on
    # every request in the tests (REFERENCE_CACHE_SECONDS is 0; cached when served): 2 queries when served.
    "agent dashboard": 1 + 1 + 4,
    # The user; the rows with labels and total, with the services, labels, members and shortcut preference.
    "triage board (filtered)": 2,
    # The user; on SQLite the agent's own reports, the candidates, the reports shown. On PostgreSQL, which ranks
    # in SQL, the own and the other similar reports are one query (own_reports.own_and_similar_reports): 2 (below).
    "similar reports (HTML)": 1 + 3,
    # The number of the attempt (which orders the choices) comes with the module's state: no count of its own.
    # A failed attempt at a module without prerequisites (this one) reads no state at all (it cannot be locked).
    # On PostgreSQL the attempt and its audit line are one statement (audit.insert_audited): one fewer (below).
    "quiz submission": 9,
    # The user; the lines, the share, the reads of the passport and the contributions, in one query.
    "passport page": 1 + 1,
    # The user; the référentiel's activities (cached when served); the page with its total; the read's audit row,
    # committed with its INSERT (no SET LOCAL of its own). On PostgreSQL the page's query writes the audit row
    # itself (audit.audited_read): one fewer (below).
    "HR validation queue": 1 + 1 + 1 + 1,
    # The user; the training catalogue's 4 (cached when served); the page with its progress and total.
    "HR team view": 1 + 4 + 1,
    # The user; the access check with the département's organisations (app.reception.queries
    # .department_page_organisations); the indicators' 4 (kept per process when served: INDICATORS_CACHE_SECONDS).
    "département quality indicators": 1 + 1 + 4,
    # Working conditions (tests/workplace/test_page_costs.py says which).
    "HR incident list": 2,
    "HR working-conditions indicators": 2,
    "national working-conditions indicators": 2,
    # Back office: the user; the page's rows, capped total and filter lists with the expert's groups and e-mail
    # preference (app.backoffice.lists: the groups read first only on the process's first visit of the expert).
    "back office: national expert board": 2,
    "back office: expert board, late view": 2,
    # The user; the agent's rows, capped total and e-mail preference.
    "back office: agent's requests": 2,
    # The user; the request (in the reader's scope) with its group, procedure and invitations, and through it
    # the conversation, steps, attachments, debriefs and the reader's groups, reroute choices (read there only
    # when the process does not keep them: always in the tests), recurrent count or colleagues, in one query
    # (queries.read_request_page).
    "back office: request page (expert)": 2,
    "back office: request page (agent)": 2,
}


def _login(client, email):
    response = client.post("/connexion", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.data[:300]


def _count(app, client, method, url, expected=200, **kwargs):
    with count_queries(app) as counter:
        response = client.open(url, method=method, **kwargs)
    assert response.status_code == expected, (url, response.status_code, response.data[:300])
    return counter.count


def _measure(app, fraction):
    """Seed at this fraction, then count the queries of each measured page."""
    summary = seed_scale(app.config, scaled(fraction))
    agent = find_user_by_email(summary.agent_email)
    completion = db.session.scalar(
        db.select(ModuleCompletion).where(ModuleCompletion.user_id == agent.id).order_by(ModuleCompletion.id)
    )
    module = db.session.get(Module, completion.module_id)
    lesson = db.session.scalar(
        db.select(Lesson).where(Lesson.version_id == completion.version_id).order_by(Lesson.position)
    )
    application = db.session.scalar(
        db.select(Application).join(Report, Report.application_id == Application.id)
        .group_by(Application.id).order_by(db.func.count(Report.id).desc(), Application.id)
    )
    report = db.session.scalar(
        db.select(Report).where(Report.application_id == application.id).order_by(Report.id)
    )
    words = report.title
    triager = db.session.scalar(
        db.select(User).where(User.team_id == application.team_id, User.role == "triager").order_by(User.id)
    )
    _token, raw_token = create_api_token(agent, agent, "bench")
    document = passport_document(agent)
    verify_token = token_for(agent.id, document.issued_on, [e.id for e in _entries(agent)])
    counts = {}
    app_client = app.test_client()
    counts["login page"] = _count(app, app_client, "GET", "/connexion")
    client = app.test_client()
    _login(client, agent.email)
    client.get("/agent")  # the first view of a session also moves the « last visit » marker (one write)
    counts["agent dashboard"] = _count(app, client, "GET", "/agent")
    counts["lesson page"] = _count(app, client, "GET", f"/formation/modules/{module.slug}/lecons/{lesson.slug}")
    quiz = client.get(f"/formation/modules/{module.slug}/quiz")
    assert quiz.status_code == 200
    answers = {}
    for name, value in re.findall(r'name="(q-[^"]+)"[^>]*value="([^"]+)"', quiz.get_data(as_text=True)):
        answers.setdefault(name, value)
    counts["quiz submission"] = _count(
        app, client, "POST", f"/formation/modules/{module.slug}/quiz", expected=302,
        data={**answers, "submission_key": f"scale-{fraction}"},
    )
    counts["passport page"] = _count(app, client, "GET", "/passeport/")
    counts["passport pdf"] = _count(app, client, "GET", "/passeport/document.pdf")
    counts["similar reports (HTML)"] = _count(
        app, client, "POST", "/remontees/similaires",
        data={"application": str(application.id), "title": words, "what_happened": report.what_happened},
    )
    counts["similar reports (API)"] = _count(
        app, app.test_client(), "GET", "/api/v1/reports/similar",
        query_string={"application": application.code, "q": f"{words} {report.what_happened}"},
        headers={"Authorization": f"Bearer {raw_token}"},
    )
    found = app.test_client().get(
        "/api/v1/reports/similar", query_string={"application": application.code, "q": f"{words} {report.what_happened}"},
        headers={"Authorization": f"Bearer {raw_token}"},
    ).get_json()
    assert found["items"], "the similar-report search must find reports, or its count proves nothing"
    counts["verification page"] = _count(app, app.test_client(), "GET", f"/verify/{verify_token}")
    hr_client = app.test_client()
    _login(hr_client, summary.largest_hr_email)
    counts["HR validation queue"] = _count(app, hr_client, "GET", "/rh/passeports/")
    counts["HR team view"] = _count(app, hr_client, "GET", "/rh/formation/")
    # Working conditions and reception quality (issues 17 and 18): the pages `make bench` measures.
    largest = db.session.get(Organisation, find_user_by_email(summary.largest_hr_email).organisation_id)
    counts["HR incident list"] = _count(app, hr_client, "GET", "/conditions-de-travail/signalements")
    counts["HR working-conditions indicators"] = _count(app, hr_client, "GET", "/conditions-de-travail/indicateurs")
    counts["HR quality indicators"] = _count(app, hr_client, "GET", f"/qualite/structure/{largest.code}")
    admin_client = app.test_client()
    _login(admin_client, "admin@scale.passerelle.example")
    counts["national working-conditions indicators"] = _count(
        app, admin_client, "GET", "/conditions-de-travail/indicateurs")
    counts["national quality indicators"] = _count(app, admin_client, "GET", "/qualite/national")
    network_client = app.test_client()
    _login(network_client, f"reseau.{largest.department}@scale.passerelle.example")
    counts["département quality indicators"] = _count(
        app, network_client, "GET", f"/qualite/departement/{largest.department}")
    triage_client = app.test_client()
    _login(triage_client, triager.email)
    board_filters = {"status": "open", "application": application.code, "sort": "people"}
    # The first read of a team's board in a process reads its services first (board.read_board): one more query.
    assert _count(app, triage_client, "GET", "/equipe/remontees", query_string=board_filters) in (2, 3)
    counts["triage board (filtered)"] = _count(app, triage_client, "GET", "/equipe/remontees",
                                               query_string=board_filters)
    counts.update(_backoffice_counts(app, summary))
    return counts


def _backoffice_counts(app, summary):
    """The expert board of a national group, the agent's « Mes demandes », and a request page for each."""
    from app.backoffice.models import SupportRequest
    from tests.backoffice.factories import board_page

    counts = {}
    expert, agent = find_user_by_email(summary.expert_email), find_user_by_email(summary.support_agent_email)
    assert expert.role == "expert" and agent.role == "agent"
    board = board_page(expert)
    assert board.items, "the national expert's board must list requests, or its count proves nothing"
    expert_client = app.test_client()
    _login(expert_client, expert.email)
    expert_client.get("/appui/pole")  # first visit of the session (the last-visit marker moves once)
    counts["back office: national expert board"] = _count(app, expert_client, "GET", "/appui/pole")
    counts["back office: expert board, late view"] = _count(app, expert_client, "GET", "/appui/pole?vue=late")
    listed = db.session.scalar(db.select(SupportRequest.reference).where(
        SupportRequest.reference.in_([r.reference for r in board.items]), SupportRequest.procedure_id.is_not(None))
        .order_by(SupportRequest.id).limit(1))
    counts["back office: request page (expert)"] = _count(app, expert_client, "GET", f"/appui/demandes/{listed}")
    agent_client = app.test_client()
    _login(agent_client, agent.email)
    counts["back office: agent's requests"] = _count(app, agent_client, "GET", "/appui/demandes")
    answered = db.session.scalar(db.select(SupportRequest.reference).where(
        SupportRequest.author_id == agent.id, SupportRequest.first_answer_at.is_not(None),
        SupportRequest.procedure_id.is_not(None)).order_by(SupportRequest.id.desc()).limit(1))
    assert answered, "the agent with the most requests has an answered one"
    agent_client.get(f"/appui/demandes/{answered}")  # the first visit marks the answers read
    counts["back office: request page (agent)"] = _count(app, agent_client, "GET", f"/appui/demandes/{answered}")
    return counts


def _entries(agent):
    from app.passports.models import PassportEntry

    return db.session.scalars(db.select(PassportEntry).where(
        PassportEntry.holder_id == agent.id, PassportEntry.status == "validated"))


def test_query_counts_do_not_grow_with_the_data(app):
    small = _measure(app, SMALL)
    _clear_tables(db)
    large = _measure(app, LARGE)
    assert small == large
    exact = dict(EXACT)
    if db.engine.dialect.name == "postgresql":
        exact["quiz submission"] -= 1
        exact["HR validation queue"] -= 1
        exact["similar reports (HTML)"] = 1 + 1
    assert {page: large[page] for page in exact} == exact
    _bench_finds_its_targets(app)


def _bench_finds_its_targets(app):
    """`make bench` picks its users and pages on this seed (bench/targets.py reads with the app's own readers:
    one of them renamed would break the benchmark, which no other test runs)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        from targets import pick
    finally:
        sys.path.pop(0)
    found = pick(app)
    assert found.agent_email and found.hr_email and found.module_slug
    assert found.expert_email and found.expert_request and found.support_agent_email and found.agent_request
