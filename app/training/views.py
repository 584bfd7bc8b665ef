"""Agent pages: catalogue, paths, modules, lessons, quizzes, attestations."""
import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app.accounts.models import Role
from app.common.access import roles
from app.common.pagination import paginate
from app.common.pdf import pdf_response
from app.training import learning, observations, path_observations, pdf, queries, reference
from app.training.catalog import catalog_query, competency_choices
from app.training.forms import QuizSubmitForm
from app.training.models import Partner
from app.training.packages.runtime import package_summary
from app.training.progress import module_state, module_states
from app.training.services import module_by_slug

bp = Blueprint("training", __name__, url_prefix="/formation")


def _module_or_404(slug):
    module = module_by_slug(slug)
    if module is None:
        abort(404)
    return module


@bp.route("/")
@roles(Role.AGENT)
def catalog():
    args = request.args
    try:
        max_duration = int(args.get("duree") or 0) or None
    except ValueError:
        max_duration = None
    filters = {
        "kind": args.get("type") or None,
        "partner": args.get("partenaire") or None,
        "competency": args.get("competence") or None,
        "max_duration": max_duration,
        "q": args.get("q", "").strip() or None,
    }
    page = paginate(catalog_query(**filters), args.get("page"), per_page=20)
    states = module_states(current_user, [m.id for m in page.items]) if page.items else {}
    # Tutors also get the trainer's kit and the fiches réflexes (the capability is read with the user: no query).
    is_tutor = "tutor" in (getattr(current_user, "capabilities", None) or ())
    return render_template(
        "training/catalog.html", page=page, states=states, args=args, partners=Partner,
        competencies=competency_choices(), is_tutor=is_tutor,
    )


@bp.route("/parcours")
@roles(Role.AGENT)
def paths():
    all_paths = queries.visible_paths(current_user)
    from app.training.progress import dashboard

    enrolled = {state.path.id: state for state in dashboard(current_user)}
    return render_template("training/paths.html", paths=all_paths, enrolled=enrolled)


@bp.route("/parcours/<code>")
@roles(Role.AGENT)
def path_detail(code):
    path = learning.path_for(code, current_user)
    if path is None:
        abort(404)
    from app.training.progress import path_modules

    ids = path_modules(path)
    states = module_states(current_user, ids) if ids else {}
    enrolment = learning.enrolment_of(current_user, path)
    return render_template(
        "training/path.html", path=path, states=[states[i] for i in ids if i in states], enrolment=enrolment,
        form=QuizSubmitForm(), steps_after=path_observations.steps_after_modules(path, current_user),
    )


@bp.route("/grilles/<code>")
@roles(Role.AGENT, Role.HR)
def grid(code):
    """An observation grid read-only: what a tutor or HR will look for when they observe the agent at work."""
    grid = observations.grid_for(code)
    if grid is None:
        abort(404)
    levels = observations.evaluate(grid, set()).levels
    return render_template("training/grid.html", grid=grid, levels=levels, rule=observations.RULE)


@bp.route("/parcours/<code>/inscription", methods=["POST"])
@roles(Role.AGENT)
def enrol(code):
    path = learning.path_for(code, current_user)
    if path is None:
        abort(404)
    if not QuizSubmitForm().validate_on_submit():
        abort(400)
    learning.enrol(current_user, path)
    flash(f"Vous suivez le parcours « {path.title} ».", "success")
    return redirect(url_for("training.path_detail", code=path.code))


@bp.route("/parcours/<code>/partage", methods=["POST"])
@roles(Role.AGENT)
def share_path(code):
    path = learning.path_for(code, current_user)
    enrolment = learning.enrolment_of(current_user, path) if path is not None else None
    if enrolment is None or path.owner_id != current_user.id:
        abort(404)
    if not QuizSubmitForm().validate_on_submit():
        abort(400)
    shared = request.form.get("partager") == "oui"
    learning.share_enrolment(current_user, enrolment, shared)
    if shared:
        flash("Votre structure voit désormais ce parcours et votre progression.", "success")
    else:
        flash("Ce parcours est de nouveau personnel : votre structure ne le voit plus.", "success")
    return redirect(url_for("training.path_detail", code=path.code))


RECENT_ATTEMPTS = 20  # the module page lists the latest attempts only


@bp.route("/modules/<slug>")
@roles(Role.AGENT)
def module_detail(slug):
    module = _module_or_404(slug)
    state = module_state(current_user, module)
    version = module.current_version
    queries.load_competencies(version)
    done = state.done_lesson_ids
    resume = next((lesson for lesson in version.lessons if lesson.id not in done), None)
    attempts = queries.recent_attempts(current_user, version, RECENT_ATTEMPTS)
    return render_template(
        "training/module.html", module=module, version=version, state=state, done=done, resume=resume,
        attempts=attempts, recent_attempts=RECENT_ATTEMPTS, completion=learning.completion_of(current_user, module),
        **(package_summary(current_user, version) if module.is_package else {}),
    )


@bp.route("/modules/<slug>/lecons/<lesson_slug>")
@roles(Role.AGENT)
def lesson(slug, lesson_slug):
    # Read-only page: everything but the agent's progress comes from the cached catalogue.
    module = reference.catalogue().module_by_slug(slug)
    if module is None:
        abort(404)
    lessons = reference.lessons(module.current_version_id)
    index = next((i for i, item in enumerate(lessons) if item.slug == lesson_slug), None)
    if index is None:
        abort(404)
    lesson = lessons[index]
    state = module_state(current_user, module)
    if state.locked:
        return render_template("training/locked.html", module=module, state=state), 403
    return render_template(
        # Safe: body_html is app.common.markdown's sanitised output (nh3), kept as a string in the cache.
        "training/lesson.html", module=module, lesson=lesson, body=Markup(lesson.body_html),  # noqa: S704  # nosec B704
        previous=lessons[index - 1] if index > 0 else None,
        next_lesson=lessons[index + 1] if index + 1 < len(lessons) else None,
        is_done=lesson.id in state.done_lesson_ids,
        position=index + 1, total=len(lessons), form=QuizSubmitForm(),
    )


@bp.route("/modules/<slug>/lecons/<lesson_slug>.pdf")
@roles(Role.AGENT)
def lesson_pdf(slug, lesson_slug):
    """The lesson as a printable A4 page (a sheet such as « voies de recours et délais » on paper)."""
    module = reference.catalogue().module_by_slug(slug)
    if module is None:
        abort(404)
    lesson = next((item for item in reference.lessons(module.current_version_id) if item.slug == lesson_slug), None)
    if lesson is None:
        abort(404)
    if module_state(current_user, module).locked:
        abort(403)
    return pdf_response(pdf.lesson_pdf(module.title, lesson), f"{module.slug}-{lesson.slug}.pdf")


@bp.route("/modules/<slug>/lecons/<lesson_slug>/terminer", methods=["POST"])
@roles(Role.AGENT)
def lesson_done(slug, lesson_slug):
    module = _module_or_404(slug)
    lesson = learning.lesson_of(module, lesson_slug)
    if lesson is None:
        abort(404)
    if not QuizSubmitForm().validate_on_submit():
        abort(400)
    try:
        completion = learning.mark_lesson_done(current_user, module, lesson)
    except learning.ModuleLocked as exc:
        flash(str(exc), "error")
        return redirect(url_for("training.module_detail", slug=slug)), 303
    if completion is not None:
        flash("Bravo, vous avez terminé ce module !", "success")
        return redirect(url_for("training.module_detail", slug=slug))
    lessons = module.current_version.lessons
    index = next(i for i, item in enumerate(lessons) if item.id == lesson.id)
    if index + 1 < len(lessons):
        return redirect(url_for("training.lesson", slug=slug, lesson_slug=lessons[index + 1].slug))
    return redirect(url_for("training.quiz", slug=slug))


@bp.route("/modules/<slug>/quiz", methods=["GET", "POST"])
@roles(Role.AGENT)
def quiz(slug):
    # The module, its current version and questions come from the cached catalogue (versions are immutable).
    module = reference.catalogue().module_by_slug(slug)
    if module is None:
        abort(404)
    # A module without prerequisites is never locked: its submission reads the state only when it needs it
    # (learning.submit_attempt: a passed attempt may complete the module).
    state = None if request.method == "POST" and learning.never_locked(module) else module_state(current_user, module)
    if state is not None and state.locked:
        return render_template("training/locked.html", module=module, state=state), 403
    if request.method == "POST":
        # No QuizSubmitForm is built to read the submission: CSRFProtect checked its token before the view (as on
        # every form) and its other field has no validator. The form is built only when the quiz is shown again.
        submitted = request.form
        # Scoring does not depend on the order of the choices: they are drawn in the attempt's order only when
        # the quiz is shown again.
        questions = learning.quiz_of(module.current_version)
        answers = {q.qid: submitted.getlist(f"q-{q.qid}") for q in questions}
        try:
            outcome = learning.submit_attempt(current_user, module, answers, submitted.get("submission_key") or None,
                                              state=state, questions=questions)
        except learning.EmptyAnswers as exc:
            return render_template("training/quiz.html", module=module, questions=_attempt_questions(
                module, state or module_state(current_user, module)), form=QuizSubmitForm(), error=str(exc)), 400
        except learning.InvalidAnswers as exc:
            abort(400, str(exc))
        return redirect(url_for("training.attempt", slug=slug, attempt_id=outcome.attempt_id))
    form = QuizSubmitForm()
    form.submission_key.data = secrets.token_urlsafe(16)
    return render_template("training/quiz.html", module=module, questions=_attempt_questions(module, state), form=form)


def _attempt_questions(module, state):
    """The quiz with its choices in the order of this agent's next attempt: a reload shows the same order (the
    attempts so far come with the module's state, no query of their own)."""
    return learning.quiz_for_attempt(current_user, module.current_version, state.quiz_attempts + 1)


@bp.route("/modules/<slug>/quiz/tentatives/<int:attempt_id>")
@roles(Role.AGENT)
def attempt(slug, attempt_id):
    module = _module_or_404(slug)
    attempt = queries.attempt_of(current_user, attempt_id)
    if attempt is None or attempt.version.module_id != module.id:
        abort(404)
    full = learning.has_passed_quiz(current_user, attempt.version_id)
    return render_template(
        "training/attempt.html", module=module, attempt=attempt, reviews=learning.review_attempt(attempt, full),
        full_review=full, state=module_state(current_user, module),
        completion=learning.completion_of(current_user, module),
    )
