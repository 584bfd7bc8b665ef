"""Landing, role home pages, footer pages, health checks and notifications."""
from flask import Blueprint, abort, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.accounts.views import home_for
from app.common.access import logged_in, public, roles
from app.common.home import read_home
from app.common.pagination import paginate
from app.common.urls import id_url_prefix
from app.extensions import db
from app.notifications import services as notifications

bp = Blueprint("site", __name__)

@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("accounts.login"))


@bp.route("/agent")
@roles(Role.AGENT)
def agent_home():
    from app.accounts.services import home_visit_since

    user = current_user._get_current_object()  # the user, not the proxy: the home's parts read it a dozen times
    since = home_visit_since(user, session)
    return render_template("site/agent_home.html", **agent_home_context(user, since))


def agent_home_context(user, since):
    """The agent home's template values: what each domain shows there (paths, entries, reports,
    recommended_modules, consultations, read in one query), the lists the page splits, split here (a
    selectattr chain per list cost more than its lines), and the entry links' address without the number
    (a url_for per line otherwise)."""
    home = read_home("agent", user, since)
    entries, reports = home.get("entries", ()), home.get("reports", ())
    lists = {
        "todo": [e for e in entries if e.needs_action], "decided": [e for e in entries if not e.needs_action],
        "questions": [r for r in reports if r.status == "info_requested"],
        "news": [r for r in reports if r.status != "info_requested"],
        "next_steps": [p for p in home.get("paths", ()) if p.next_step],
    }
    return dict(home, since=since, lists=lists, entry_prefix=id_url_prefix("passport.entry_detail", "entry_id"))


@bp.route("/rh")
@roles(Role.HR)
def hr_home():
    from app.audit.services import recent_actions
    from app.passports.home import hr_queue_summary
    from app.training.team import overdue_count

    imports = recent_actions("user.import", current_user.organisation) if current_user.organisation else []
    return render_template("site/hr_home.html", queue=hr_queue_summary(current_user),
                           overdue=overdue_count(current_user), imports=imports)


@bp.route("/equipe")
@roles(Role.TRIAGER)
def triager_home():
    from app.reports.home import COUNT_CAP, team_work

    return render_template("site/triager_home.html", work=team_work(current_user), cap=COUNT_CAP)


@bp.route("/admin")
@roles(Role.ADMIN)
def admin_home():
    return render_template("site/admin_home.html")


@bp.route("/mentions-legales")
@public
def legal():
    return render_template("pages/legal.html")


@bp.route("/donnees-personnelles")
@public
def privacy():
    return render_template("pages/privacy.html")


@bp.route("/accessibilite")
@public
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/accessibilite/criteres")
@public
def rgaa():
    return render_template("pages/rgaa.html")


@bp.route("/healthz")
@public
def healthz():
    return jsonify(status="ok")


@bp.route("/readyz")
@public
def readyz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        db.session.rollback()
        return jsonify(status="unavailable", database="error"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/notifications")
@logged_in
def notification_list():
    page = paginate(notifications.notifications_for(current_user), request.args.get("page"))
    return render_template("notifications/list.html", page=page, form=ConfirmForm())


@bp.route("/notifications/lues", methods=["POST"])
@logged_in
def notifications_mark_read():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    notification_id = request.form.get("id", type=int)
    notifications.mark_read(current_user, notification_id)
    return redirect(url_for("site.notification_list"))
