"""Fiches réflexes: list and search, page, one-page PDF, « cette fiche m'a permis de répondre »,
and the expert's form to write one from a request."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.models import Role
from app.backoffice import debriefs, fiches, pdf
from app.backoffice.forms import DebriefNoteForm, DebriefSlotForm, FicheForm
from app.backoffice.views import _pdf, act, back, bp, owned_request_or_403, request_or_404
from app.common.access import roles
from app.common.markdown import render_markdown


def _fiche_or_404(fiche_id):
    row = fiches.find(fiche_id)
    if row is None:
        abort(404)
    return row


@bp.route("/fiches")
@roles(Role.AGENT, Role.EXPERT, Role.ADMIN)
def fiche_list():
    q = (request.args.get("q") or "")[:200]
    rows = fiches.search(q, limit=50) if q.strip() else fiches.latest(50)
    return render_template("backoffice/fiches.html", rows=rows, q=q)


@bp.route("/fiches/<int:fiche_id>")
@roles(Role.AGENT, Role.EXPERT, Role.ADMIN)
def fiche(fiche_id):
    row = _fiche_or_404(fiche_id)
    fiches.record_use(current_user, row, "viewed")
    return render_template("backoffice/fiche.html", fiche=row, body=render_markdown(row.body),
                           counts=fiches.counts(row))


@bp.route("/fiches/<int:fiche_id>.pdf")
@roles(Role.AGENT, Role.EXPERT, Role.ADMIN)
def fiche_pdf(fiche_id):
    row = _fiche_or_404(fiche_id)
    return _pdf(pdf.fiche(row), f"fiche-reflexe-{row.id}.pdf")


@bp.route("/fiches/<int:fiche_id>/utile", methods=["POST"])
@roles(Role.AGENT)
def fiche_useful(fiche_id):
    row = _fiche_or_404(fiche_id)
    fiches.record_use(current_user, row, "avoided")
    flash("Merci : cette fiche est comptée comme une demande évitée.", "success")
    return redirect(url_for("backoffice.fiche", fiche_id=row.id))


@bp.route("/demandes/<reference>/fiche", methods=["POST"])
@roles(Role.EXPERT)
def fiche_create(reference):
    row = request_or_404(reference)
    form = FicheForm(prefix="fiche")
    values = {name: form[name].data for name in ("title", "body", "competencies", "modules", "review_on")}
    return act(row, lambda: fiches.create_from_request(current_user, row, values), "Fiche réflexe publiée.",
               form, "fiche_form", then=lambda created: url_for("backoffice.fiche", fiche_id=created.id))


# --- debriefs ------------------------------------------------------------------------------------


def _debrief_or_404(row, debrief_id):
    found = debriefs.find(row, debrief_id)
    if found is None:
        abort(404)
    return found


@bp.route("/demandes/<reference>/debrief", methods=["POST"])
@roles(Role.AGENT)
def debrief_ask(reference):
    row = owned_request_or_403(reference)
    return act(row, lambda: debriefs.ask(current_user, row), "Débrief demandé : un expert vous proposera un créneau.")


@bp.route("/demandes/<reference>/debrief/<int:debrief_id>/creneau", methods=["POST"])
@roles(Role.EXPERT)
def debrief_slot(reference, debrief_id):
    row = request_or_404(reference)
    debrief = _debrief_or_404(row, debrief_id)
    form = DebriefSlotForm()
    if not form.validate_on_submit():
        return back(row, "Indiquez la date, l'heure et le lieu ou lien du débrief.", "error")
    return act(row, lambda: debriefs.propose(current_user, row, debrief, form.slot_at.data, form.place.data),
               "Créneau proposé à l'agent.")


@bp.route("/demandes/<reference>/debrief/<int:debrief_id>/accepter", methods=["POST"])
@roles(Role.AGENT)
def debrief_accept(reference, debrief_id):
    row = owned_request_or_403(reference)
    debrief = _debrief_or_404(row, debrief_id)
    return act(row, lambda: debriefs.accept(current_user, row, debrief), "Créneau accepté.")


@bp.route("/demandes/<reference>/debrief/<int:debrief_id>/compte-rendu", methods=["POST"])
@roles(Role.EXPERT)
def debrief_note(reference, debrief_id):
    row = request_or_404(reference)
    debrief = _debrief_or_404(row, debrief_id)
    form = DebriefNoteForm()
    if not form.validate_on_submit():
        return back(row, "Écrivez le compte rendu (niveau entre 1 et 4).", "error")
    return act(row, lambda: debriefs.complete(current_user, row, debrief, form.note.data, form.competency_code.data,
                                              form.level.data, form.module_slug.data), "Compte rendu enregistré.")
