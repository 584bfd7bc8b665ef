"""The admins' delivery log of the statements forwarded to the LRS."""
from flask import Blueprint, current_app, render_template

from app.accounts.models import Role
from app.common.access import roles
from app.training.lrs import sender

bp = Blueprint("lrs", __name__, url_prefix="/admin/lrs")


@bp.route("/")
@roles(Role.ADMIN)
def deliveries():
    return render_template("admin/lrs.html", deliveries=sender.recent_deliveries(), pending=sender.pending_count(),
                           endpoint=current_app.config.get("LRS_ENDPOINT"))
