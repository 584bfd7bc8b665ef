"""HR of a reception organisation: the open support requests of its agents (metadata only, never the
texts nor the citizen file block) and the hand-over of an absent agent's request to a colleague."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.models import Role
from app.backoffice import queries, requests
from app.backoffice.forms import HandoverForm
from app.backoffice.views import fill_colleagues, handover_message
from app.common.access import roles

hr_bp = Blueprint("backoffice_hr", __name__, url_prefix="/rh/appui")


@hr_bp.route("/demandes")
@roles(Role.HR)
def requests_list():
    raw = request.args.get("agent", "")
    author_id = int(raw) if raw.isdigit() and len(raw) < 10 else None
    every = queries.organisation_open_requests(current_user)
    rows = [r for r in every if author_id is None or r.author_id == author_id]
    askers = sorted({r.author for r in every if r.author is not None}, key=lambda u: (u.full_name, u.id))
    return render_template("backoffice/hr_requests.html", rows=rows, author_id=author_id, askers=askers)


@hr_bp.route("/demandes/<reference>/confier", methods=["GET", "POST"])
@roles(Role.HR)
def hand_over(reference):
    """The form is the confirmation: it says who follows the request now and what happens to the
    citizen's data under the consent recorded (requests.hand_over)."""
    row = queries.organisation_request(current_user, reference)
    if row is None:
        abort(404)
    form = HandoverForm()
    fill_colleagues(form, row)
    if form.validate_on_submit():
        colleague = queries.colleague(current_user, form.colleague.data, exclude=row.author_id)
        try:
            wiped = requests.hand_over(current_user, row, colleague, form.consent_renewed.data)
        except requests.RequestError as exc:
            form.colleague.errors.append(str(exc))
        else:
            flash(handover_message(colleague, wiped), "success")
            return redirect(url_for("backoffice_hr.requests_list"))
    status = 400 if request.method == "POST" else 200
    return render_template("backoffice/hr_handover.html", req=row, form=form,
                           oral_consent=requests.handover_wipes_citizen_block(row)), status
