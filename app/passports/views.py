"""The agent's passport: entries, declaring and submitting experience, evidence files, shares, renewals."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.common.access import roles
from app.passports import contributions, evidence, scope, services
from app.passports.forms import EntryEditForm, EntryForm, EvidenceUploadForm, SubmitForm
from app.passports.my_passport import my_passport
from app.passports.workflow import TransitionRefused

bp = Blueprint("passport", __name__, url_prefix="/passeport")

# Pages of the documents part of the passport, linked once they exist (url name, label).
DOCUMENT_LINKS = [
    ("passport_docs.document", "Voir mon passeport à imprimer"),
    ("passport_docs.document_pdf", "Télécharger mon passeport (PDF)"),
    ("passport_docs.mobility", "Comparer mon passeport à un profil de poste"),
    ("passport_docs.vae_index", "Préparer une VAE"),
]


def document_links():
    return [(url_for(endpoint), label) for endpoint, label in DOCUMENT_LINKS
            if endpoint in current_app.view_functions]


def _own_entry_or_404(entry_id):
    entry = scope.entry_of_holder(current_user, entry_id)
    if entry is None:
        abort(404)
    return entry


def apply_service_error(form, exc, default_field):
    """Show a refused use case's message next to the field it names."""
    field = getattr(form, getattr(exc, "field", None) or "", None) or getattr(form, default_field)
    field.errors = [*field.errors, str(exc)]


def render_entry(entry, status=200, upload_form=None):
    return render_template(
        "passports/entry.html", entry=entry, upload_form=upload_form or EvidenceUploadForm(),
        submit_form=SubmitForm(version=entry.version), confirm_form=ConfirmForm(),
    ), status


@bp.route("/")
@roles(Role.AGENT)
def index():
    page = my_passport(current_user)
    return render_template(
        "passports/index.html", entries=page.entries, document_links=document_links(), shared=page.shared,
        reads=page.reads, offered=page.offered,
        # The form of the offered lines' buttons: built only when there are some (most passports have none).
        confirm_form=ConfirmForm() if page.offered else None,
    )


@bp.route("/contributions/<code>/ajouter", methods=["POST"])
@roles(Role.AGENT)
def add_contribution(code):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        entry = contributions.add_contribution_line(current_user, code[:10])
    except contributions.ContributionError:
        abort(404)
    flash("Ligne ajoutée à votre passeport : elle est garantie, Passerelle détient les faits.", "success")
    return redirect(url_for("passport.entry_detail", entry_id=entry.id))


@bp.route("/declarer", methods=["GET", "POST"])
@roles(Role.AGENT)
def declare():
    form = EntryForm().fill_choices()
    if form.validate_on_submit():
        files = [form.checked_file] if form.checked_file else []
        try:
            entry = services.declare_entry(current_user, form.competency.data, form.level.data,
                                           form.description.data, files)
        except services.PassportError as exc:
            apply_service_error(form, exc, "description")
        else:
            flash("Ligne enregistrée en brouillon. Soumettez-la quand elle est prête : les RH de votre "
                  "structure la valideront.", "success")
            return redirect(url_for("passport.entry_detail", entry_id=entry.id))
    status = 400 if form.errors else 200
    return render_template("passports/declare.html", form=form), status


@bp.route("/lignes/<int:entry_id>")
@roles(Role.AGENT)
def entry_detail(entry_id):
    return render_entry(_own_entry_or_404(entry_id))


@bp.route("/lignes/<int:entry_id>/modifier", methods=["GET", "POST"])
@roles(Role.AGENT)
def entry_edit(entry_id):
    entry = _own_entry_or_404(entry_id)
    if not entry.can_edit(current_user):
        flash("Cette ligne ne peut plus être modifiée.", "error")
        return redirect(url_for("passport.entry_detail", entry_id=entry.id))
    form = EntryEditForm().fill_choices()
    if not form.is_submitted():
        form.competency.data, form.level.data = entry.competency.code, str(entry.level)
        form.description.data = entry.description
    if form.validate_on_submit():
        try:
            services.update_entry(current_user, entry, form.competency.data, form.level.data, form.description.data)
        except (services.PassportError, TransitionRefused) as exc:
            apply_service_error(form, exc, "description")
        else:
            flash("Ligne modifiée.", "success")
            return redirect(url_for("passport.entry_detail", entry_id=entry.id))
    return render_template("passports/edit.html", form=form, entry=entry), 400 if form.errors else 200


@bp.route("/lignes/<int:entry_id>/soumettre", methods=["POST"])
@roles(Role.AGENT)
def entry_submit(entry_id):
    entry = _own_entry_or_404(entry_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.submit_entry(current_user, entry, form.version.data)
    except (services.PassportError, TransitionRefused) as exc:
        flash(str(exc), "error")
    else:
        flash("Ligne soumise : les RH de votre structure vont l'examiner.", "success")
    return redirect(url_for("passport.entry_detail", entry_id=entry_id))


@bp.route("/lignes/<int:entry_id>/preuves", methods=["POST"])
@roles(Role.AGENT)
def evidence_upload(entry_id):
    entry = _own_entry_or_404(entry_id)
    if not entry.can_edit(current_user):
        flash("On ne peut plus ajouter de pièce à cette ligne : elle n'est plus en brouillon.", "error")
        return redirect(url_for("passport.entry_detail", entry_id=entry.id))
    form = EvidenceUploadForm()
    if form.validate_on_submit():
        try:
            services.add_evidence(current_user, entry, form.checked_file)
        except services.PassportError as exc:
            apply_service_error(form, exc, "file")
        else:
            flash("Pièce justificative ajoutée.", "success")
            return redirect(url_for("passport.entry_detail", entry_id=entry.id))
    return render_entry(entry, 400, upload_form=form)


@bp.route("/lignes/<int:entry_id>/renouveler", methods=["POST"])
@roles(Role.AGENT)
def entry_renew(entry_id):
    entry = _own_entry_or_404(entry_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        renewal = services.renew_entry(current_user, entry)
    except services.PassportError as exc:
        flash(str(exc), "error")
        return redirect(url_for("passport.entry_detail", entry_id=entry.id))
    flash("Nouvelle ligne créée pour le renouvellement : complétez-la puis soumettez-la.", "success")
    return redirect(url_for("passport.entry_edit", entry_id=renewal.id))


@bp.route("/partages")
@roles(Role.AGENT)
def shares():
    return render_template("passports/shares.html", shares=scope.shares_of(current_user), form=ConfirmForm(),
                           shared=scope.shares_with_own_organisation(current_user))


@bp.route("/partages", methods=["POST"])
@roles(Role.AGENT)
def share_create():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.share_passport(current_user)
    except services.PassportError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Votre passeport est partagé avec {current_user.organisation.name}.", "success")
    return redirect(url_for("passport.shares"))


@bp.route("/partages/<int:share_id>/retirer", methods=["GET", "POST"])
@roles(Role.AGENT)
def share_withdraw(share_id):
    share = scope.active_share_of(current_user, share_id)
    if share is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.withdraw_share(current_user, share)
        flash(f"Partage retiré : {share.organisation.name} ne voit plus que ce qu'elle a validé ou reçu.",
              "success")
        return redirect(url_for("passport.shares"))
    return render_template("passports/share_withdraw.html", share=share, form=form)


@bp.route("/preuves/<int:file_id>")
@roles(Role.AGENT, Role.HR)
def evidence_file(file_id):
    """An evidence file, to its holder or to HR in scope (audited): a download, or with ?apercu=1 shown inline
    for the preview of the entry page (checked PDF, PNG or JPEG only: see app.passports.evidence)."""
    row = scope.evidence_file_for(current_user, file_id)
    path = evidence.evidence_path(row.storage_key) if row else None
    if row is None or not path.is_file():
        abort(404)
    preview = request.args.get("apercu") == "1"
    response = send_file(path, mimetype=row.content_type, as_attachment=not preview, download_name=row.filename,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# The preview frames the file in the entry page (same origin only): Flask-Talisman reads these per-view options.
evidence_file.talisman_view_options = {
    "frame_options": "SAMEORIGIN",
    "content_security_policy": {"default-src": "'none'", "img-src": "'self'", "object-src": "'self'",
                                "frame-ancestors": "'self'"},
}
