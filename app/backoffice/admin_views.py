"""Admin pages for expert groups and members; statistics for experts and admins (SVG, tables, CSV)."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.models import Role
from app.backoffice import groups, stats
from app.backoffice.forms import GroupForm, MemberForm
from app.backoffice.views import bp
from app.common.access import roles
from app.common.csvutil import csv_lines

admin_bp = Blueprint("backoffice_admin", __name__, url_prefix="/admin/appui")


@admin_bp.route("/poles", methods=["GET", "POST"])
@roles(Role.ADMIN)
def group_list():
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = groups.create_group(current_user, form.code.data, form.name.data, form.operator.data,
                                        groups.parse_departments(form.departments.data), form.national.data,
                                        form.public_note.data, form.mailbox.data, form.target_days.data)
        except groups.GroupError as exc:
            form.code.errors.append(str(exc))
        else:
            flash(f"Pôle {group.code} créé.", "success")
            return redirect(url_for("backoffice_admin.group_detail", code=group.code))
    status = 400 if request.method == "POST" else 200
    return render_template("backoffice/admin_groups.html", groups=groups.active_groups(), form=form), status


@admin_bp.route("/poles/<code>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def group_detail(code):
    group = groups.group_by_code(code)
    if group is None:
        abort(404)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            user = groups.add_member(current_user, group, form.email.data)
        except groups.GroupError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(f"{user.full_name} a rejoint le pôle.", "success")
            return redirect(url_for("backoffice_admin.group_detail", code=group.code))
    status = 400 if request.method == "POST" else 200
    return render_template("backoffice/admin_group.html", group=group, members=groups.members(group),
                           form=form), status


def _group_filter():
    code = request.args.get("pole")
    group = groups.group_by_code(code) if code else None
    return group.id if group else None


@bp.route("/statistiques")
@roles(Role.EXPERT, Role.ADMIN)
def statistics():
    figures = stats.compute(current_user, current_app.config, _group_filter())
    charts = {
        "volume": stats.bar_chart(figures.by_month, lambda f: f.volume),
        "first": stats.bar_chart(figures.by_month, lambda f: f.first_median),
    }
    visible = groups.my_groups(current_user) if current_user.role == Role.EXPERT else groups.active_groups()
    return render_template("backoffice/statistics.html", stats=figures, charts=charts, fmt_hours=stats.hours,
                           fmt_share=stats.share, groups=visible)


@bp.route("/statistiques.csv")
@roles(Role.EXPERT, Role.ADMIN)
def statistics_csv():
    figures = stats.compute(current_user, current_app.config, _group_filter())
    rows = stats.csv_rows(figures)
    header = next(rows)
    return Response(csv_lines(header, rows), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="appui-statistiques.csv"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
