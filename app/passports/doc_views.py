"""Agent pages built from the passport: the document (HTML, PDF), gap analysis, VAE."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.accounts.models import Role
from app.common.access import roles
from app.common.pdf import pdf_response
from app.passports import links, pdf, vae
from app.passports import mobility as gaps
from app.passports.doc_forms import ConfirmForm, StageForm, StartVaeForm, statements_form
from app.passports.documents import passport_document
from app.passports.workflow import VAE_TRANSITIONS

bp = Blueprint("passport_docs", __name__, url_prefix="/passeport")


# --- the passport document --------------------------------------------------------------------


@bp.route("/document")
@roles(Role.AGENT)
def document():
    return render_template("passport_docs/document.html", document=passport_document(current_user))


@bp.route("/document.pdf")
@roles(Role.AGENT)
def document_pdf():
    document = passport_document(current_user)
    return pdf_response(pdf.passport_pdf(document), f"passeport-competences-{document.issued_on.isoformat()}.pdf")


@bp.route("/document/lien/retirer", methods=["GET", "POST"])
@roles(Role.AGENT)
def withdraw_links():
    form = ConfirmForm()
    if form.validate_on_submit():
        links.withdraw_links(current_user)
        flash("Vos liens de vérification sont retirés : ceux que vous aviez transmis ne fonctionnent plus.",
              "success")
        return redirect(url_for("passport_docs.document"))
    return render_template(
        "passport_docs/link_confirm.html", form=form, title="Retirer mes liens de vérification",
        detail="Les adresses et QR codes de vérification de tous les passeports que vous avez déjà transmis "
               "ne fonctionneront plus. Vos documents n'auront plus de lien de vérification tant que vous "
               "n'en créez pas un nouveau.",
        button="Retirer mes liens")


@bp.route("/document/lien/renouveler", methods=["GET", "POST"])
@roles(Role.AGENT)
def renew_links():
    form = ConfirmForm()
    if form.validate_on_submit():
        links.renew_links(current_user)
        flash("Votre passeport a un nouveau lien de vérification ; les anciens ne fonctionnent plus.", "success")
        return redirect(url_for("passport_docs.document"))
    return render_template(
        "passport_docs/link_confirm.html", form=form, title="Créer un nouveau lien de vérification",
        detail=f"Vos documents auront un nouveau lien de vérification, valable {links.validity().days} jours. "
               "Les adresses et QR codes des passeports que vous avez déjà transmis ne fonctionneront plus.",
        button="Créer un nouveau lien")


# --- mobility: gap analysis -------------------------------------------------------------------


@bp.route("/mobilite")
@roles(Role.AGENT)
def mobility():
    return render_template("passport_docs/mobility.html", summaries=gaps.profile_summaries(current_user))


def _profile_or_404(code):
    profile = gaps.find_profile(code)
    if profile is None:
        abort(404)
    return profile


@bp.route("/mobilite/<code>")
@roles(Role.AGENT)
def mobility_profile(code):
    profile = _profile_or_404(code)
    return render_template(
        "passport_docs/mobility_profile.html", analysis=gaps.gap_analysis(current_user, profile),
        form=ConfirmForm(),
    )


@bp.route("/mobilite/<code>/parcours", methods=["POST"])
@roles(Role.AGENT)
def mobility_path(code):
    profile = _profile_or_404(code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        path = gaps.create_gap_path(current_user, profile)
    except gaps.MobilityError as exc:
        flash(str(exc), "error")
        return redirect(url_for("passport_docs.mobility_profile", code=profile.code))
    flash(f"Votre parcours personnel est prêt et vous y êtes inscrit(e) : {path.title}.", "success")
    return redirect(url_for("training.path_detail", code=path.code))


# --- VAE ----------------------------------------------------------------------------------------


@bp.route("/vae", methods=["GET", "POST"])
@roles(Role.AGENT)
def vae_index():
    certifications = vae.all_certifications()
    form = StartVaeForm()
    form.certification.choices = [("", "Choisir une certification")] + [
        (c.code, f"{c.title} (niveau {c.level})") for c in certifications
    ]
    if form.validate_on_submit():
        certification = vae.certification_by_code(form.certification.data)
        if certification is None:
            form.certification.errors.append("Certification inconnue.")
        else:
            vae.start_candidacy(current_user, certification)
            flash(f"Votre candidature à la VAE « {certification.title} » est ouverte.", "success")
            return redirect(url_for("passport_docs.vae_detail", code=certification.code))
    return render_template("passport_docs/vae_index.html", form=form,
                           candidacies=vae.candidacies_of(current_user))


def _candidacy_or_404(code):
    certification = vae.certification_by_code(code)
    candidacy = vae.candidacy_for(current_user, certification) if certification is not None else None
    if candidacy is None:
        abort(404)
    return certification, candidacy


def _stage_form(candidacy):
    form = StageForm()
    form.status.choices = [("", "Choisir l'étape suivante")] + [
        (s.value, s.label) for s in vae.agent_next_statuses(candidacy)
    ]
    return form


@bp.route("/vae/<code>", methods=["GET", "POST"])
@roles(Role.AGENT)
def vae_detail(code):
    certification, candidacy = _candidacy_or_404(code)
    competencies = vae.block_competencies(certification)
    texts = vae.statement_texts(current_user, candidacy)
    form = statements_form(competencies, data={f"c{c.id}": texts.get(c.id, "") for c in competencies})
    if form.validate_on_submit():
        vae.save_statements(current_user, candidacy, {c.id: form[f"c{c.id}"].data for c in competencies})
        flash("Vos récits d'expérience sont enregistrés.", "success")
        return redirect(url_for("passport_docs.vae_detail", code=certification.code))
    return render_template(
        "passport_docs/vae_detail.html", certification=certification, candidacy=candidacy,
        blocks=vae.coverage(current_user, certification, candidacy), form=form, stage_form=_stage_form(candidacy),
        jury_pending=bool(VAE_TRANSITIONS[candidacy.status]) and not vae.agent_next_statuses(candidacy),
        fields=[form[f"c{c.id}"] for c in competencies],
    )


@bp.route("/vae/<code>/etape", methods=["POST"])
@roles(Role.AGENT)
def vae_stage(code):
    certification, candidacy = _candidacy_or_404(code)
    form = _stage_form(candidacy)
    if form.validate_on_submit():
        try:
            vae.change_stage(current_user, candidacy, form.status.data)
        except ValueError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Étape enregistrée : {candidacy.status_label}.", "success")
    else:
        flash("Choisissez une étape proposée.", "error")
    return redirect(url_for("passport_docs.vae_detail", code=certification.code))


@bp.route("/vae/<code>/dossier")
@roles(Role.AGENT)
def vae_dossier(code):
    _certification, candidacy = _candidacy_or_404(code)
    return render_template("passport_docs/vae_dossier.html", dossier=vae.dossier(candidacy))


@bp.route("/vae/<code>/dossier.pdf")
@roles(Role.AGENT)
def vae_dossier_pdf(code):
    certification, candidacy = _candidacy_or_404(code)
    return pdf_response(pdf.vae_dossier_pdf(vae.dossier(candidacy)), f"dossier-vae-{certification.code.lower()}.pdf")
