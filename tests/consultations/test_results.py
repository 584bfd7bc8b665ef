"""Results on a seeded fixture against figures computed by hand (acceptance 3), small-group rule included."""
import pytest

from app.consultations import results, services
from tests.consultations.conftest import QUESTIONS, make_consultation
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

# (organisation kind, département, scale score, single choice, multiple choices); None: left empty.
SEEDED = [
    ("caf", "59", 5, "0", ["0", "1"]),
    ("caf", "59", 4, "0", ["1"]),
    ("caf", "59", 4, "1", ["0", "2"]),
    ("caf", "59", 3, "2", ["2"]),
    ("caf", "59", 2, "0", []),
    ("mairie", "2A", 1, "1", ["0"]),
    ("mairie", "2A", 5, None, ["0", "1", "2"]),
]


@pytest.fixture
def seeded(world):
    consultation = make_consultation(world.dev_caf, world.caf_app, questions=QUESTIONS)
    q = consultation.questions
    caf = OrganisationFactory(kind="caf", department="59")
    mairie = OrganisationFactory(kind="mairie", department="2A")
    for kind, _department, score, single, multiple in SEEDED:
        agent = UserFactory(role="agent", organisation=caf if kind == "caf" else mairie)
        services.submit_answers(agent, consultation, {q[0].id: str(score), q[1].id: single, q[2].id: multiple,
                                                      q[3].id: f"Remarque d'un agent {kind}"})
    # Neither a withdrawn answer nor a mere volunteer counts.
    services.submit_answers(world.reporter, consultation, {q[0].id: "1"})
    services.withdraw(world.reporter, consultation)
    return consultation


def test_figures_match_the_hand_computed_ones(seeded):
    figures = results.results_of(seeded)
    assert figures.answered == 7
    scale, single, multiple, text = figures.questions
    # Scores 5,4,4,3,2,1,5: one 1, one 2, one 3, two 4, two 5; 24 / 7 = 3.43.
    assert [(r.label, r.count, r.percent) for r in scale.rows] == [
        ("1", 1, 14), ("2", 1, 14), ("3", 1, 14), ("4", 2, 29), ("5", 2, 29)]
    assert (scale.respondents, scale.mean, scale.shown_mean) == (7, 3.4, "3,4")
    # Six answered the single choice: 3 × option 0, 2 × option 1, 1 × option 2.
    assert [(r.count, r.percent) for r in single.rows] == [(3, 50), (2, 33), (1, 17)]
    assert single.respondents == 6
    # Six answered the multiple choice (one left it empty): 4, 3 and 3 of them chose each option.
    assert [(r.count, r.percent) for r in multiple.rows] == [(4, 67), (3, 50), (3, 50)]
    assert multiple.respondents == 6
    assert len(text.texts) == 7


def test_groups_under_five_answers_are_shown_as_moins_de_5_reponses(seeded):
    figures = results.results_of(seeded)
    assert [(g.label, g.shown_count) for g in figures.by_kind] == [("CAF", "5"), ("Mairie", "moins de 5 réponses")]
    assert [(g.label, g.shown_count) for g in figures.by_department] == [("59", "5"), ("2A", "moins de 5 réponses")]
    scale = figures.questions[0]
    # CAF: (5 + 4 + 4 + 3 + 2) / 5 = 3.6; the two Mairie answers (mean 3.0) are not shown.
    assert [(g.label, g.shown_count, g.shown_mean) for g in scale.by_kind] == [
        ("CAF", "5", "3,6"), ("Mairie", "moins de 5 réponses", "moins de 5 réponses")]
    assert results.filterable_kinds(figures) == ["CAF"]
    assert len(results.filter_texts(figures, kind_label="CAF")) == 5
    # A small group cannot be used as a filter: the filter is ignored.
    assert len(results.filter_texts(figures, kind_label="Mairie")) == 7


def test_the_page_and_the_csv_show_the_same_figures(client, world, seeded):
    client.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    page = client.get(f"/equipe/consultations/{seeded.id}").text
    assert "<td>4</td><td>2</td><td>29 %</td>" in page
    assert "<td>CAF</td><td>5</td><td>3,6</td>" in page
    assert "<td>Mairie</td><td>moins de 5 réponses</td><td>moins de 5 réponses</td>" in page
    assert "3,0" not in page
    csv = client.get(f"/equipe/consultations/{seeded.id}/export.csv").text
    assert "Le nouveau formulaire est-il plus clair ?;Échelle de 1 à 5;4;2;29;7" in csv
    assert "Participants;Département;2A;moins de 5 réponses" in csv
