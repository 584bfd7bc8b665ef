"""Fixtures of the core passport tests (engineer "core"): an organisation, its agent and HR, a competency."""
import pytest

from tests.factories import OrganisationFactory, UserFactory
from tests.passports.core_factories import CompetencyFactory


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def competency():
    return CompetencyFactory()


@pytest.fixture
def agent(org):
    return UserFactory(role="agent", organisation=org)


@pytest.fixture
def hr(org):
    return UserFactory(role="hr", organisation=org)
