"""Observation with a grid: the proposal rule, declared (tutor) vs validated (HR) entries, scope and access."""
from datetime import date

import pytest

from app.passports.models import EntryStatus, PassportEntry, Provenance
from app.training import observations
from app.training.observation_models import Observation, TutorCapability
from tests.factories import OrganisationFactory, UserFactory


def _ticks(grid, per_level):
    """{level: how many of its behaviours are ticked}."""
    return {(level, pos) for level, count in per_level.items() for pos in range(count)}


def test_proposal_is_the_highest_level_with_all_but_one_and_every_lower_level(world):
    grid = world["grid"]  # levels of 4, 4, 5 and 4 behaviours
    assert observations.evaluate(grid, _ticks(grid, {1: 4, 2: 3, 3: 4, 4: 3})).level == 4
    assert observations.evaluate(grid, _ticks(grid, {1: 4, 2: 3, 3: 4})).level == 3
    assert observations.evaluate(grid, _ticks(grid, {1: 3, 2: 3, 3: 3, 4: 4})).level == 2  # 3 of 5: not level 3
    assert observations.evaluate(grid, _ticks(grid, {1: 2, 2: 4, 3: 5, 4: 4})).level == 0  # level 1 missing
    proposal = observations.evaluate(grid, _ticks(grid, {1: 4, 2: 4, 3: 4}))
    assert [(r.level, r.required, r.observed, r.reached) for r in proposal.levels] == [
        (1, 3, 4, True), (2, 3, 4, True), (3, 4, 4, True), (4, 3, 0, False)]


def test_a_tutor_observation_is_a_declared_entry_submitted_to_hr(world, db):
    observation = observations.record_observation(world["tutor"], world["agent"], world["grid"], "role_play",
                                                  date.today(), _ticks(world["grid"], {1: 4, 2: 4, 3: 4}))
    entry = db.session.scalar(db.select(PassportEntry).where(PassportEntry.observation_id == observation.id))
    assert (entry.holder_id, entry.level, entry.source) == (world["agent"].id, 3, "observation")
    assert entry.status == EntryStatus.SUBMITTED and entry.provenance == Provenance.DECLARED
    assert entry.submitted_to_org_id == world["org"].id and entry.recorded_by_id == world["tutor"].id
    assert observation.snapshot["levels"][2]["observed"] == 4
    assert entry.can_decide(world["hr"])


def test_an_hr_observation_is_validated_and_guaranteed(world, db):
    observation = observations.record_observation(world["hr"], world["agent"], world["grid"], "desk",
                                                  date.today(), _ticks(world["grid"], {1: 4, 2: 3}))
    entry = db.session.scalar(db.select(PassportEntry).where(PassportEntry.observation_id == observation.id))
    assert entry.status == EntryStatus.VALIDATED and entry.provenance == Provenance.GUARANTEED
    assert entry.level == 2 and entry.validated_by_org_id == world["org"].id


def test_nothing_recorded_when_no_level_is_reached(world, db):
    with pytest.raises(observations.ObservationError):
        observations.record_observation(world["tutor"], world["agent"], world["grid"], "desk", date.today(), set())
    assert db.session.scalar(db.select(db.func.count(Observation.id))) == 0


def test_scope_and_capability(world, db, client, login):
    grid, agent = world["grid"], world["agent"]
    other_org_tutor = UserFactory(role="agent", organisation=OrganisationFactory())
    db.session.add(TutorCapability(user_id=other_org_tutor.id, organisation_id=other_org_tutor.organisation_id))
    db.session.commit()
    with pytest.raises(observations.NotAllowed):  # an agent without the capability
        observations.record_observation(agent, world["tutor"], grid, "desk", date.today(), {(1, 0)})
    with pytest.raises(observations.NotAllowed):  # a tutor of another organisation
        observations.record_observation(other_org_tutor, agent, grid, "desk", date.today(), {(1, 0)})
    url = f"/observations/grille?agent={agent.id}&competency=A2.1&context=desk"
    login(user=other_org_tutor)
    assert client.get(url).status_code == 404
    client.post("/deconnexion")
    login(user=UserFactory(role="agent", organisation=world["org"]))
    assert client.get(url).status_code == 403
    assert client.get("/observations").status_code == 403


def test_a_capability_ends_when_the_agent_leaves_or_hr_revokes_it(world, db):
    tutor, hr = world["tutor"], world["hr"]
    assert observations.is_tutor(tutor)
    capability = observations.capability_in_scope(hr, observations.tutor_capability(tutor).id)
    assert observations.capability_in_scope(UserFactory(role="hr", organisation=OrganisationFactory()),
                                            capability.id) is None
    observations.revoke_tutor(hr, capability)
    assert not observations.is_tutor(tutor)
    with pytest.raises(observations.NotAllowed):
        observations.grant_tutor(UserFactory(role="hr", organisation=OrganisationFactory()), tutor)


def test_tutor_fills_the_grid_through_the_pages(world, db, client, login):
    login(user=world["tutor"])
    agent = world["agent"]
    page = client.get(f"/observations/grille?agent={agent.id}&competency=A2.1&context=desk")
    assert page.status_code == 200 and "Reformule la demande sans support" in page.get_data(as_text=True)
    from tests.conftest import csrf_token_from

    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), "agent": agent.id, "competency": "A2.1",
            "context": "desk", "observed_on": date.today().isoformat(),
            "observe": ["1-0", "1-1", "1-2", "2-0", "2-1", "2-2", "3-0", "3-1", "3-2", "3-3"], "action": "propose"}
    proposed = client.post("/observations/grille", data=data)
    assert "Niveau proposé : 3" in proposed.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Observation.id))) == 0  # proposing writes nothing
    done = client.post("/observations/grille", data={**data, "action": "confirm"})
    assert done.status_code == 302
    entry = db.session.scalar(db.select(PassportEntry).where(PassportEntry.holder_id == agent.id))
    assert entry.level == 3 and entry.status == EntryStatus.SUBMITTED


def test_the_tutor_link_is_read_with_the_user_at_no_extra_query(world, app, db, client, login):
    """The header shows « Observer un agent » to tutors only, and knowing it costs no query of its own."""
    from tests.query_counter import count_queries

    def home(user):
        login(user=user)
        client.get("/agent")  # warm the per-process caches
        with count_queries(app) as counter:
            page = client.get("/agent").get_data(as_text=True)
        client.post("/deconnexion")
        return counter.count, "/observations" in page

    plain_count, plain_link = home(world["agent"])
    tutor_count, tutor_link = home(world["tutor"])
    assert (plain_link, tutor_link) == (False, True)
    assert tutor_count == plain_count
    capability = db.session.scalar(db.select(TutorCapability).where(TutorCapability.user_id == world["tutor"].id))
    observations.revoke_tutor(world["hr"], capability)
    assert home(world["tutor"])[1] is False  # revoked: the link goes at the next request
