"""Checks and figures over the whole quiz corpus: answer-key bias, near-duplicates, honest durations.

A learner must not pass a quiz by picking the second or the longest choice, and the hours HR record as
training must match what there is to read and do. These rules hold across modules, so they run once the
files are each valid (validate.load_tree) and report `path:line: message` like the rest.
"""
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

READING_WORDS_PER_MINUTE = 200
MINUTES_PER_QUESTION = 1
DURATION_TOLERANCE = 0.25
MAX_POSITION_SHARE = 0.35
MAX_LONGEST_CORRECT_SHARE = 0.40
MIN_LONGEST_CORRECT_SHARE = 0.15  # the reverse bias (« never the longest ») can be exploited just as well
MAX_SAME_CORRECT_COUNT_SHARE = 0.50
MULTIPLE_CORRECT_RANGE = (1, 3)
BIAS_MIN_QUESTIONS = 20  # below this, shares say nothing (the test fixtures have a handful of questions)
NEAR_DUPLICATE_SIMILARITY = 0.75
REVIEW_MAX_AGE_MONTHS = 12
# Every shipped choice has its own explanation (issue 14): a choice without one is an error.
CHOICE_EXPLANATIONS_REQUIRED = True

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    "a au aux avec ce ces cette d de des du elle en est et il l la le les leur lui n ne on ou par pas pour "
    "qu que qui quel quelle quelles quels s sa se ses son sur un une vous votre vos y".split()
)


def letter(position):
    return chr(ord("a") + position)


def words(text):
    """Lowercase words without accents (for similarity)."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return _WORD.findall(plain)


def _markdown_words(markdown):
    return len(re.findall(r"\w+", re.sub(r"[#*_>`|\[\]()-]", " ", markdown)))


@dataclass
class QuestionFacts:
    path: str
    line: int
    module: str
    qid: str
    type: str
    text: str
    correct_positions: list
    correct_is_longest: bool  # single: no choice is longer than the correct one
    choices: int
    explanations_missing: int


@dataclass
class ModuleFacts:
    path: str
    line: int
    slug: str
    declared: int
    words: int
    questions: int
    activities: int
    lessons_pending: list = field(default_factory=list)

    @property
    def computed(self):
        reading = self.words / READING_WORDS_PER_MINUTE
        return round(reading + self.questions * MINUTES_PER_QUESTION + self.activities)


def _lesson_modules(tree):
    """The modules written as lessons and a quiz (a SCORM package carries its own content and check)."""
    return [source for source in tree.modules if getattr(source.model, "format", "lessons") != "package"]


def question_facts(tree):
    facts = []
    for source in _lesson_modules(tree):
        for i, question in enumerate(source.model.quiz.questions):
            lengths = [len(c.text) for c in question.choices]
            correct = [j for j, c in enumerate(question.choices) if c.correct]
            longest = max(lengths)
            correct_is_longest = (
                len(correct) == 1 and lengths[correct[0]] == longest
            )
            facts.append(QuestionFacts(
                source.rel_path, source.lines.line(("quiz", "questions", i, "id")), source.model.slug,
                question.id, question.type, question.text, correct, correct_is_longest,
                len(question.choices), sum(1 for c in question.choices if not c.explanation),
            ))
    return facts


def module_facts(tree):
    facts = []
    for source in _lesson_modules(tree):
        m = source.model
        total = sum(_markdown_words(body) for body in source.lessons.values())
        pending = [slug for slug, meta in source.lesson_meta.items() if meta.verification_pending]
        facts.append(ModuleFacts(source.rel_path, source.lines.line(("duration_minutes",)), m.slug,
                                 m.duration_minutes, total, len(m.quiz.questions), m.activities_minutes or 0,
                                 pending))
    return facts


def _share(part, whole):
    return part / whole if whole else 0.0


def _percent(part, whole):
    return f"{round(100 * _share(part, whole))} %"


def check_corpus(tree, problem, warning, today=None):
    """Add the corpus-wide problems and warnings of a tree whose files are each valid."""
    questions = question_facts(tree)
    singles = [q for q in questions if q.type == "single" and len(q.correct_positions) == 1]
    multiples = [q for q in questions if q.type == "multiple"]
    _check_position_bias(singles, problem)
    _check_length_bias(singles, problem)
    _check_multiple_counts(multiples, problem)
    _check_near_duplicates(questions, problem)
    if CHOICE_EXPLANATIONS_REQUIRED:
        for q in questions:
            if q.explanations_missing:
                problem(q.path, q.line, f"la question {q.qid} a {q.explanations_missing} choix sans explication "
                                        "(champ explanation de chaque choix)")
    for module in module_facts(tree):
        low, high = module.computed * (1 - DURATION_TOLERANCE), module.computed * (1 + DURATION_TOLERANCE)
        if not low <= module.declared <= high:
            problem(module.path, module.line,
                    f"durée déclarée {module.declared} min, durée calculée {module.computed} min "
                    f"({module.words} mots à {READING_WORDS_PER_MINUTE} mots/min, {module.questions} question(s), "
                    f"{module.activities} min d'activités) : l'écart dépasse {round(100 * DURATION_TOLERANCE)} %")
    _check_review_dates(tree, warning, today or date.today())


def _check_position_bias(singles, problem):
    if len(singles) < BIAS_MIN_QUESTIONS:
        return
    positions = Counter(q.correct_positions[0] for q in singles)
    for position, count in sorted(positions.items()):
        if _share(count, len(singles)) > MAX_POSITION_SHARE:
            first = next(q for q in singles if q.correct_positions[0] == position)
            problem(first.path, first.line,
                    f"biais de position : la bonne réponse est le choix n° {position + 1} dans {count} des "
                    f"{len(singles)} questions à réponse unique ({_percent(count, len(singles))}, au plus "
                    f"{round(100 * MAX_POSITION_SHARE)} %) ; première question concernée : {first.qid}")


def _check_length_bias(singles, problem):
    if len(singles) < BIAS_MIN_QUESTIONS:
        return
    longest = [q for q in singles if q.correct_is_longest]
    if _share(len(longest), len(singles)) > MAX_LONGEST_CORRECT_SHARE:
        first = longest[0]
        problem(first.path, first.line,
                f"biais de longueur : la bonne réponse est le choix le plus long dans {len(longest)} des "
                f"{len(singles)} questions à réponse unique ({_percent(len(longest), len(singles))}, au plus "
                f"{round(100 * MAX_LONGEST_CORRECT_SHARE)} %) ; première question concernée : {first.qid}")
    elif _share(len(longest), len(singles)) < MIN_LONGEST_CORRECT_SHARE:
        first = singles[0]
        problem(first.path, first.line,
                f"biais de longueur inversé : la bonne réponse n'est le choix le plus long que dans {len(longest)} des "
                f"{len(singles)} questions à réponse unique ({_percent(len(longest), len(singles))}, au moins "
                f"{round(100 * MIN_LONGEST_CORRECT_SHARE)} %) : l'apprenant peut écarter le plus long")


def _check_multiple_counts(multiples, problem):
    low, high = MULTIPLE_CORRECT_RANGE
    for q in multiples:
        count = len(q.correct_positions)
        if not low <= count <= high or count >= q.choices:
            problem(q.path, q.line,
                    f"la question {q.qid} à réponses multiples a {count} bonne(s) réponse(s) sur {q.choices} : "
                    f"il en faut entre {low} et {high}, et au moins un choix faux")
    if len(multiples) < BIAS_MIN_QUESTIONS:
        return
    counts = Counter(len(q.correct_positions) for q in multiples)
    for count, number in sorted(counts.items()):
        if _share(number, len(multiples)) > MAX_SAME_CORRECT_COUNT_SHARE:
            first = next(q for q in multiples if len(q.correct_positions) == count)
            problem(first.path, first.line,
                    f"réponses multiples trop régulières : {number} des {len(multiples)} questions à réponses "
                    f"multiples ont exactement {count} bonnes réponses ({_percent(number, len(multiples))}, au plus "
                    f"{round(100 * MAX_SAME_CORRECT_COUNT_SHARE)} %) ; première question concernée : {first.qid}")


def similarity(a, b):
    """Dice coefficient of the meaningful words of two question texts (0 to 1)."""
    left = {w for w in words(a) if w not in _STOPWORDS}
    right = {w for w in words(b) if w not in _STOPWORDS}
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def _check_near_duplicates(questions, problem):
    for i, q in enumerate(questions):
        for other in questions[:i]:
            if other.module != q.module and similarity(q.text, other.text) >= NEAR_DUPLICATE_SIMILARITY:
                problem(q.path, q.line,
                        f"la question {q.qid} reprend presque mot pour mot la question {other.qid} du module "
                        f"{other.module} ({other.path}:{other.line}) : posez une question propre à ce module")
                break


def _months_ago(today, months):
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    day = min(today.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return date(year, month, day)


def _check_review_dates(tree, warning, today):
    limit = _months_ago(today, REVIEW_MAX_AGE_MONTHS)
    for source in tree.modules:
        for slug, meta in source.lesson_meta.items():
            if meta.updated is not None and meta.updated < limit:
                warning(source.lesson_paths[slug], meta.line_of_updated,
                        f"leçon relue le {meta.updated.strftime('%d/%m/%Y')}, il y a plus de "
                        f"{REVIEW_MAX_AGE_MONTHS} mois : à relire")
    for sheet in tree.sheets:  # the fiches réflexes too: a stale number on a pinned page misleads the desk
        if sheet.model.updated < limit:
            warning(sheet.rel_path, sheet.lines.line(("updated",)),
                    f"fiche relue le {sheet.model.updated.strftime('%d/%m/%Y')}, il y a plus de "
                    f"{REVIEW_MAX_AGE_MONTHS} mois : à relire")


@dataclass
class Figures:
    singles: int
    position_counts: dict  # position (0-based) -> number of single questions whose answer is there
    longest_correct: int
    multiples: int
    correct_counts: dict  # number of correct choices -> number of multiple-answer questions
    modules: list  # ModuleFacts
    pending_lessons: list  # (module slug, lesson slug)
    choices: int
    choices_without_explanation: int


def figures(tree):
    """The corpus figures printed by `flask curricula stats`."""
    questions = question_facts(tree)
    singles = [q for q in questions if q.type == "single" and len(q.correct_positions) == 1]
    multiples = [q for q in questions if q.type == "multiple"]
    modules = module_facts(tree)
    return Figures(
        singles=len(singles),
        position_counts=dict(sorted(Counter(q.correct_positions[0] for q in singles).items())),
        longest_correct=sum(1 for q in singles if q.correct_is_longest),
        multiples=len(multiples),
        correct_counts=dict(sorted(Counter(len(q.correct_positions) for q in multiples).items())),
        modules=modules,
        pending_lessons=[(m.slug, lesson) for m in modules for lesson in m.lessons_pending],
        choices=sum(q.choices for q in questions),
        choices_without_explanation=sum(q.explanations_missing for q in questions),
    )


def format_figures(result):
    """French text lines for the terminal."""
    out = [f"Questions à réponse unique : {result.singles}"]
    for position, count in result.position_counts.items():
        out.append(f"  bonne réponse en position {letter(position)} : {count} ({_percent(count, result.singles)})")
    out.append(f"  bonne réponse = choix le plus long : {result.longest_correct} "
               f"({_percent(result.longest_correct, result.singles)})")
    out.append(f"Questions à réponses multiples : {result.multiples}")
    for count, number in result.correct_counts.items():
        out.append(f"  {count} bonne(s) réponse(s) : {number} ({_percent(number, result.multiples)})")
    out.append(f"Choix sans explication propre : {result.choices_without_explanation} sur {result.choices}")
    out.append("Durées (déclarée / calculée, mots des leçons, questions, activités) :")
    for m in result.modules:
        flag = "" if abs(m.declared - m.computed) <= m.computed * DURATION_TOLERANCE else "  <- écart > 25 %"
        out.append(f"  {m.slug} : {m.declared} / {m.computed} min, {m.words} mots, {m.questions} q., "
                   f"{m.activities} min{flag}")
    out.append(f"Leçons en cours de vérification : {len(result.pending_lessons)}")
    for slug, lesson in result.pending_lessons:
        out.append(f"  {slug} / {lesson}")
    return out
