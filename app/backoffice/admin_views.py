"""Admin pages for expert groups and members; statistics for experts and admins (SVG, tables, CSV)."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.backoffice import groups, queries, stats
from app.backoffice.forms import GroupEditForm, GroupForm, MemberForm
from app.backoffice.views import bp
from app.common.access import roles
from app.common.csvutil import csv_lines

admin_bp = Blueprint("backoffice_admin", __name__, url_prefix="/admin/appui")


def _group_values(form):
    """The service arguments of a group form (GroupError on an invalid département or theme)."""
    return {"departments": groups.parse_departments(form.departments.data), "national": form.national.data,
            "public_note": form.public_note.data, "mailbox": form.mailbox.data, "target_days": form.target_days.data,
            "procedures": groups.find_procedures([str(i) for i in form.themes.data or []])}


def _themes_context():
    """Catalogue procedures grouped by online service, for the themes checkboxes."""
    grouped = {}
    for procedure, application in queries.procedure_choices():
        grouped.setdefault(application, []).append(procedure)
    return list(grouped.items())


def _group_or_404(code):
    group = groups.group_by_code(code)
    if group is None:
        abort(404)
    return group


def _submit(form, action, field, done):
    """A valid form runs `action`; its result goes to `done` -> (group, message), flashed on the way back
    to the group's page. None when the page is to be shown again: invalid form, or the GroupError's
    message put on `field`."""
    if not form.validate_on_submit():
        return None
    try:
        group, message = done(action())
    except groups.GroupError as exc:
        field.errors.append(str(exc))
        return None
    flash(message, "success")
    return redirect(url_for("backoffice_admin.group_detail", code=group.code))


def _status():
    return 400 if request.method == "POST" else 200


@admin_bp.route("/poles", methods=["GET", "POST"])
@roles(Role.ADMIN)
def group_list():
    form = GroupForm()
    done = _submit(form, lambda: groups.create_group(current_user, form.code.data, form.name.data, form.operator.data,
                                                     **_group_values(form)),
                   form.code, lambda group: (group, f"Pôle {group.code} créé."))
    return done or (render_template("backoffice/admin_groups.html", groups=groups.active_groups(), form=form,
                                    catalogue=_themes_context()), _status())


@admin_bp.route("/poles/<code>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def group_detail(code):
    group = _group_or_404(code)
    form = MemberForm()
    done = _submit(form, lambda: groups.add_member(current_user, group, form.email.data), form.email,
                   lambda user: (group, f"{user.full_name} a rejoint le pôle."))
    return done or (render_template("backoffice/admin_group.html", group=group, members=groups.members(group),
                                    form=form, confirm_form=ConfirmForm()), _status())


@admin_bp.route("/poles/<code>/modifier", methods=["GET", "POST"])
@roles(Role.ADMIN)
def group_edit(code):
    """Rename the group, change its level (départements or national), note, mailbox, target and themes."""
    group = _group_or_404(code)
    form = GroupEditForm(obj=group) if request.method == "GET" else GroupEditForm()
    if request.method == "GET":
        form.departments.data, form.national.data = group.departments, group.is_national
        form.themes.data = [p.id for p in group.procedures]
    done = _submit(form, lambda: groups.update_group(current_user, group, form.name.data, **_group_values(form)),
                   form.name, lambda _g: (group, f"Pôle {group.code} modifié."))
    return done or (render_template("backoffice/admin_group_edit.html", group=group, form=form,
                                    catalogue=_themes_context()), _status())


@admin_bp.route("/poles/<code>/membres/<int:user_id>/retirer", methods=["POST"])
@roles(Role.ADMIN)
def member_remove(code, user_id):
    """End a membership (the history is kept)."""
    group = _group_or_404(code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = next((u for u in groups.members(group) if u.id == user_id), None)
    if user is None:
        abort(404)
    groups.remove_member(current_user, group, user)
    flash(f"{user.full_name} ne fait plus partie du pôle.", "success")
    return redirect(url_for("backoffice_admin.group_detail", code=group.code))


def _group_filter():
    code = request.args.get("pole")
    group = groups.group_by_code(code) if code else None
    return group.id if group else None


@bp.route("/statistiques")
@roles(Role.EXPERT, Role.ADMIN)
def statistics():
    figures = stats.compute(current_user, current_app.config, _group_filter())
    charts = {
        "volume": stats.bar_chart(figures.by_month, "volume"),
        "first": stats.bar_chart(figures.by_month, "first_median"),
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
