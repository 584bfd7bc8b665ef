"""Results for the owning team: counts and distributions, free texts, who took part (kinds, départements).

Never who answered what, unless the agent chose to sign. Figures per organisation kind or per
département about fewer than MIN_GROUP answers are shown as « moins de 5 réponses ».
"""
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.orm import joinedload

from app.accounts.models import OrgKind
from app.consultations.enums import MIN_GROUP, SMALL_GROUP_LABEL, ParticipationStatus, QuestionKind
from app.consultations.models import ConsultationAnswer, Participation
from app.extensions import db


@dataclass(frozen=True)
class Row:
    """One bar of a chart and one line of its table."""

    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class Group:
    """One organisation kind or département: a count, and a mean score, unless the group is small."""

    label: str
    count: int
    mean: float | None = None

    @property
    def is_small(self):
        return self.count < MIN_GROUP

    @property
    def shown_count(self):
        return SMALL_GROUP_LABEL if self.is_small else str(self.count)

    @property
    def shown_mean(self):
        if self.is_small:
            return SMALL_GROUP_LABEL
        return "—" if self.mean is None else f"{self.mean:.1f}".replace(".", ",")


@dataclass(frozen=True)
class FreeText:
    question_id: int
    text: str
    organisation_kind: str | None
    signed_by: str | None


@dataclass
class QuestionResult:
    question: object
    respondents: int = 0
    rows: list = field(default_factory=list)
    mean: float | None = None
    by_kind: list = field(default_factory=list)  # scale questions: mean per organisation kind
    texts: list = field(default_factory=list)

    @property
    def shown_mean(self):
        return "—" if self.mean is None else f"{self.mean:.1f}".replace(".", ",")


@dataclass
class Results:
    answered: int
    volunteered: int
    waiting: int
    questions: list
    by_kind: list
    by_department: list

    @property
    def texts(self):
        return [t for q in self.questions for t in q.texts]


def percent(count, total):
    return round(100 * count / total) if total else 0


def _kind_label(value):
    try:
        return OrgKind(value).label
    except ValueError:
        return "Non renseigné"


def _groups(counter):
    return [Group(label, count) for label, count in sorted(counter.items(), key=lambda item: (-item[1], item[0]))]


def _mean(scores):
    return round(sum(scores) / len(scores), 1) if scores else None


def _question_result(question, answers, kinds_of):
    result = QuestionResult(question)
    mine = [a for a in answers if a.question_id == question.id]
    result.respondents = len(mine)
    if question.kind == QuestionKind.SCALE:
        counts = Counter(a.score for a in mine)
        result.rows = [Row(str(score), counts[score], percent(counts[score], len(mine))) for score in range(1, 6)]
        result.mean = _mean([a.score for a in mine])
        per_kind = {}
        for a in mine:
            per_kind.setdefault(_kind_label(kinds_of[a.participation_id]), []).append(a.score)
        result.by_kind = sorted((Group(label, len(scores), _mean(scores)) for label, scores in per_kind.items()),
                                key=lambda g: (-g.count, g.label))
    elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        counts = Counter(index for a in mine for index in a.choices or [])
        result.rows = [Row(choice, counts[i], percent(counts[i], len(mine))) for i, choice in enumerate(question.choices)]
    return result


def results_of(consultation):
    """The aggregated results of a consultation (two queries, whatever the number of answers)."""
    participations = db.session.scalars(
        db.select(Participation).where(Participation.consultation_id == consultation.id)
        .options(joinedload(Participation.user))
    ).all()
    answered = [p for p in participations if p.status == ParticipationStatus.ANSWERED]
    kinds_of = {p.id: p.organisation_kind for p in answered}
    answers = db.session.scalars(
        db.select(ConsultationAnswer).where(ConsultationAnswer.participation_id.in_(list(kinds_of) or [-1]))
        .order_by(ConsultationAnswer.id)
    ).all()
    by_participation = {p.id: p for p in answered}
    questions = []
    for question in consultation.questions:
        result = _question_result(question, answers, kinds_of)
        if question.kind == QuestionKind.TEXT:
            result.texts = [
                FreeText(question.id, a.text, kinds_of[a.participation_id],
                         by_participation[a.participation_id].user.full_name
                         if by_participation[a.participation_id].signed else None)
                for a in answers if a.question_id == question.id and a.text
            ]
        questions.append(result)
    return Results(
        answered=len(answered),
        volunteered=sum(p.status == ParticipationStatus.VOLUNTEERED for p in participations),
        waiting=sum(p.status == ParticipationStatus.WAITING for p in participations),
        questions=questions,
        by_kind=_groups(Counter(_kind_label(p.organisation_kind) for p in answered)),
        by_department=_groups(Counter(p.department or "Non renseigné" for p in answered)),
    )


def filterable_kinds(results):
    """Organisation kinds the free texts may be filtered by: only groups of MIN_GROUP answers or more."""
    return [g.label for g in results.by_kind if not g.is_small]


def filter_texts(results, question_id=None, kind_label=None, words=""):
    """Free texts of one question, one (large enough) organisation kind, containing some words."""
    texts = results.texts
    if question_id:
        texts = [t for t in texts if t.question_id == question_id]
    if kind_label and kind_label in filterable_kinds(results):
        texts = [t for t in texts if _kind_label(t.organisation_kind) == kind_label]
    words = (words or "").strip().lower()
    if words:
        texts = [t for t in texts if words in t.text.lower()]
    return texts


def csv_rows(consultation, results):
    """Rows of the CSV export: every figure of the page, then the free texts (signed ones with the name)."""
    for q in results.questions:
        if q.question.kind == QuestionKind.TEXT:
            continue
        for row in q.rows:
            yield [q.question.text, q.question.kind_label, row.label, row.count, row.percent, q.respondents]
        for group in q.by_kind:
            yield [q.question.text, "Moyenne par type de structure", group.label, group.shown_count,
                   group.shown_mean, ""]
    for group in results.by_kind:
        yield ["Participants", "Type de structure", group.label, group.shown_count, "", results.answered]
    for group in results.by_department:
        yield ["Participants", "Département", group.label, group.shown_count, "", results.answered]
    questions = {q.question.id: q.question.text for q in results.questions}
    for text in results.texts:
        yield [questions[text.question_id], "Réponse libre", text.text, "", "", text.signed_by or ""]


CSV_HEADER = ["Question", "Type", "Réponse ou groupe", "Nombre", "Pourcentage ou moyenne", "Répondants ou signature"]


