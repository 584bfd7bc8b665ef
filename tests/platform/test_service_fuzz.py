"""hypothesis on the services behind the forms: arbitrary input never crashes or escapes."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.accounts.passwords import password_problem
from app.accounts.views import safe_next
from app.common.csvutil import FORMULA_PREFIXES, safe_cell
from app.common.markdown import render_markdown
from app.training.curricula.yamllines import YamlError, load_with_lines
from tests.platform.test_xss import _problems

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.text(max_size=300))
def test_password_policy_never_raises(text):
    result = password_problem(text, 12)
    assert result is None or isinstance(result, str)


@FUZZ
@given(st.text(max_size=200))
def test_next_stays_inside_the_site(target):
    result = safe_next(target)
    assert result is None or (result.startswith("/") and not result.startswith("//") and "\\" not in result)


@FUZZ
@given(st.text(max_size=400))
def test_markdown_output_is_always_harmless(text):
    assert _problems(str(render_markdown(text))) == []


@FUZZ
@given(st.text(max_size=100))
def test_csv_cells_never_start_a_formula(text):
    assert not safe_cell(text).startswith(FORMULA_PREFIXES)


@FUZZ
@given(st.text(max_size=300))
def test_curricula_loader_only_raises_its_own_error(text):
    try:
        load_with_lines(text)
    except YamlError as exc:
        assert exc.line >= 1 and exc.message


@FUZZ
@given(st.text(max_size=500))
def test_hr_csv_preview_never_crashes(app, text):
    from app.accounts.imports import preview_agents_csv

    preview = preview_agents_csv(text)
    assert preview.is_valid in (True, False)
    assert all(isinstance(e, str) for e in preview.errors)


@FUZZ
@given(st.dictionaries(st.text(max_size=8), st.lists(st.text(max_size=4), max_size=3), max_size=4))
def test_quiz_scoring_validates_or_scores(app, answers):
    from app.training.learning import InvalidAnswers, score_answers
    from app.training.models import Choice, Question

    question = Question(qid="q1", type="single", text="?", explanation="!")
    question.choices = [Choice(cid="a", text="A", is_correct=True), Choice(cid="b", text="B")]
    try:
        score, results = score_answers([question], answers)
    except InvalidAnswers as exc:
        assert str(exc)
    else:
        assert 0 <= score <= 100 and len(results) == 1
