"""HR pages of reception: the « Votre avis » link and poster, site tokens, desk-log CSV import."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.accounts.models import Role
from app.common.access import roles
from app.common.csvutil import TOO_LARGE, read_upload
from app.common.pdf import pdf_response
from app.common.urls import external_url
from app.reception import imports, pdf, queries, services
from app.reception.forms import (
    ConfirmForm,
    RenewLinkForm,
    SiteTokenForm,
    VisitImportApplyForm,
    VisitImportForm,
)

bp = Blueprint("reception_hr", __name__, url_prefix="/rh/accueil")



def _voice_url(link):
    return external_url("voice.answer", token=link.token)


@bp.route("/")
@roles(Role.HR)
def index():
    link = services.voice_link(current_user.organisation)
    return render_template("reception/hr_index.html", voice_url=_voice_url(link), link=link,
                           tokens=queries.site_tokens(current_user.organisation_id), token_form=SiteTokenForm(),
                           confirm_form=ConfirmForm(), renew_form=RenewLinkForm())


@bp.route("/avis/renouveler", methods=["POST"])
@roles(Role.HR)
def renew_voice_link():
    if not RenewLinkForm().validate_on_submit():
        flash("Cochez la case pour confirmer le changement d'adresse.", "error")
        return redirect(url_for("reception_hr.index"))
    services.renew_voice_link(current_user, current_user.organisation)
    flash("Nouvelle adresse créée : imprimez la nouvelle affiche, l'ancienne ne fonctionne plus.", "success")
    return redirect(url_for("reception_hr.index"))


@bp.route("/affiche.pdf")
@roles(Role.HR)
def poster():
    organisation = current_user.organisation
    link = services.voice_link(organisation)
    return pdf_response(pdf.poster_pdf(organisation, _voice_url(link)), "affiche-votre-avis.pdf")


@bp.route("/jetons", methods=["POST"])
@roles(Role.HR)
def create_site_token():
    form = SiteTokenForm()
    if not form.validate_on_submit():
        flash("Donnez un nom au jeton (100 caractères au plus).", "error")
        return redirect(url_for("reception_hr.index"))
    _token, raw = services.create_site_token(current_user, form.label.data)
    return render_template("reception/hr_token_created.html", raw=raw)


@bp.route("/jetons/<int:token_id>/revoquer", methods=["POST"])
@roles(Role.HR)
def revoke_site_token(token_id):
    token = queries.site_token_or_404(current_user, token_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.revoke_site_token(current_user, token)
    flash("Jeton révoqué.", "success")
    return redirect(url_for("reception_hr.index"))


@bp.route("/import", methods=["GET", "POST"])
@roles(Role.HR)
def visit_import():
    form = VisitImportForm()
    preview = content = None
    if form.validate_on_submit():
        content = read_upload(form.file.data)
        if content is None:
            form.file.errors.append(TOO_LARGE)
        else:
            preview = imports.preview_visits_csv(content)
    return render_template("reception/hr_import.html", form=form, preview=preview,
                           apply_form=VisitImportApplyForm(content=content))


@bp.route("/import/appliquer", methods=["POST"])
@roles(Role.HR)
def visit_import_apply():
    form = VisitImportApplyForm()
    if not form.validate_on_submit():
        abort(400)
    result = imports.import_visits_csv(current_user, form.content.data)
    if not result.is_valid:
        flash("Rien n'a été importé : le fichier contient des erreurs.", "error")
        return render_template("reception/hr_import.html", form=VisitImportForm(), preview=result,
                               apply_form=form), 400
    flash(f"{len(result.rows)} ligne(s) importée(s) dans le registre.", "success")
    return redirect(url_for("reception_hr.index"))

