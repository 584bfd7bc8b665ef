"""Every route × every role with its expected status; a route missing from the table fails."""
import pytest

from app.accounts import services
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory

ROLES = ["anonymous", "agent", "hr", "triager", "admin", "expert", "manager_network"]
# status per role, in ROLES order: 302 = sent to the login page (anonymous) or redirected.
# A row of five statuses leaves manager_network (« animateur réseau »: no organisation, no team,
# like a triager) to NETWORK_MANAGER below, else to the triager's status.
L, OK, NO = 302, 200, 403
MATRIX = {
    # endpoint: (method, path, {role: status})
    "site.index": ("GET", "/", [302, 302, 302, 302, 302]),
    "site.agent_home": ("GET", "/agent", [L, OK, NO, NO, NO]),
    "site.hr_home": ("GET", "/rh", [L, NO, OK, NO, NO]),
    "site.triager_home": ("GET", "/equipe", [L, NO, NO, OK, NO]),
    "site.admin_home": ("GET", "/admin", [L, NO, NO, NO, OK]),
    "site.legal": ("GET", "/mentions-legales", [OK] * 5),
    "site.privacy": ("GET", "/donnees-personnelles", [OK] * 5),
    "site.accessibility": ("GET", "/accessibilite", [OK] * 5),
    "site.rgaa": ("GET", "/accessibilite/criteres", [OK] * 5),
    "site.healthz": ("GET", "/healthz", [OK] * 5),
    "site.readyz": ("GET", "/readyz", [OK] * 5),
    "site.notification_list": ("GET", "/notifications", [L, OK, OK, OK, OK]),
    "site.notifications_mark_read": ("POST", "/notifications/lues", [L, 302, 302, 302, 302]),
    "accounts.login": ("GET", "/connexion", [OK, 302, 302, 302, 302]),
    "accounts.logout": ("POST", "/deconnexion", [L, 302, 302, 302, 302]),
    "accounts.forgot_password": ("GET", "/mot-de-passe/oubli", [OK] * 5),
    "accounts.reset_password": ("GET", "/mot-de-passe/reinitialiser/bad", [410] * 5),
    "accounts.activate": ("GET", "/activation/bad", [410] * 5),
    "accounts.account": ("GET", "/compte", [L, OK, OK, OK, OK]),
    "accounts.change_password": ("POST", "/compte/mot-de-passe", [L, 400, 400, 400, 400]),
    "accounts.change_email": ("POST", "/compte/adresse", [L, 400, 400, 400, 400]),
    "accounts.confirm_email": ("GET", "/compte/adresse/confirmer/bad", [410] * 5),
    "accounts.create_token": ("POST", "/compte/jetons", [L, OK, OK, OK, OK]),
    "accounts.revoke_token": ("POST", "/compte/jetons/999999/revoquer", [L, 404, 404, 404, 404]),
    "admin.users": ("GET", "/admin/utilisateurs", [L, NO, NO, NO, OK]),
    "admin.user_create": ("GET", "/admin/utilisateurs/nouveau", [L, NO, NO, NO, OK]),
    "admin.user_detail": ("GET", "/admin/utilisateurs/{other}", [L, NO, NO, NO, OK]),
    "admin.user_set_active": ("POST", "/admin/utilisateurs/{other}/activation", [L, NO, NO, NO, 302]),
    "admin.user_revoke_tokens": ("POST", "/admin/utilisateurs/{other}/jetons/revoquer", [L, NO, NO, NO, 302]),
    "admin.user_reset_2fa": ("POST", "/admin/utilisateurs/{other}/double-authentification/reinitialiser", [L, NO, NO, NO, 302]),
    "privacy.my_data": ("GET", "/compte/mes-donnees", [L, OK, OK, OK, OK]),
    "privacy.my_data_json": ("GET", "/compte/mes-donnees.json", [L, OK, OK, OK, OK]),
    "privacy.erase_mine": ("POST", "/compte/effacer", [L, 400, 400, 400, 400]),
    "privacy.erase_user": ("GET", "/admin/utilisateurs/{other}/effacer", [L, NO, NO, NO, OK]),
    "security.verify_code": ("GET", "/connexion/verification", [302, 302, 302, 302, 302]),
    "security.setup": ("GET", "/compte/double-authentification", [L, OK, OK, OK, OK]),
    "security.disable": ("POST", "/compte/double-authentification/desactiver", [L, 400, 400, 400, 400]),
    "security.session_extend": ("POST", "/session/prolonger", [L, 204, 204, 204, 204]),
    "admin.organisations": ("GET", "/admin/structures", [L, NO, NO, NO, OK]),
    "admin.organisation_edit": ("GET", "/admin/structures/{org}", [L, NO, NO, NO, OK]),
    "admin.teams": ("GET", "/admin/equipes", [L, NO, NO, NO, OK]),
    "admin.audit_log": ("GET", "/admin/journal", [L, NO, NO, NO, OK]),
    "hr.agents": ("GET", "/rh/agents", [L, NO, OK, NO, NO]),
    "hr.agent_create": ("GET", "/rh/agents/nouveau", [L, NO, OK, NO, NO]),
    "hr.agent_set_active": ("POST", "/rh/agents/{colleague}/activation", [L, NO, 302, NO, NO]),
    "hr.agent_import": ("GET", "/rh/agents/import", [L, NO, OK, NO, NO]),
    "hr.agent_import_apply": ("POST", "/rh/agents/import/appliquer", [L, NO, 400, NO, NO]),
    "api_me.me": ("GET", "/api/v1/me", [401, OK, OK, OK, OK]),
    "referential.reference": ("GET", "/referentiel", [L, OK, OK, OK, OK]),
    "referential.profiles": ("GET", "/filiere", [L, OK, OK, OK, OK]),
    "referential.profile": ("GET", "/filiere/NOPE", [L, 404, 404, 404, 404]),
    "referential.certifications": ("GET", "/certifications", [L, OK, OK, OK, OK]),
    "api_referential.get_referential": ("GET", "/api/v1/referential", [401, 404, 404, 404, 404]),
    "api_referential.list_profiles": ("GET", "/api/v1/profiles", [401, OK, OK, OK, OK]),
    "api_referential.list_certifications": ("GET", "/api/v1/certifications", [401, OK, OK, OK, OK]),
    "api_referential.list_modules": ("GET", "/api/v1/modules", [401, OK, OK, OK, OK]),
    "api_referential.get_module": ("GET", "/api/v1/modules/nope", [401, 404, 404, 404, 404]),
    "training.catalog": ("GET", "/formation/", [L, OK, NO, NO, NO]),
    "training.paths": ("GET", "/formation/parcours", [L, OK, NO, NO, NO]),
    "training.path_detail": ("GET", "/formation/parcours/NOPE", [L, 404, NO, NO, NO]),
    "training.enrol": ("POST", "/formation/parcours/NOPE/inscription", [L, 404, NO, NO, NO]),
    "training.share_path": ("POST", "/formation/parcours/NOPE/partage", [L, 404, NO, NO, NO]),
    "training.grid": ("GET", "/formation/grilles/A9.9", [L, 404, 404, NO, NO]),
    "training.module_detail": ("GET", "/formation/modules/nope", [L, 404, NO, NO, NO]),
    "training.lesson": ("GET", "/formation/modules/nope/lecons/x", [L, 404, NO, NO, NO]),
    "training.lesson_pdf": ("GET", "/formation/modules/nope/lecons/x.pdf", [L, 404, NO, NO, NO]),
    "training.lesson_done": ("POST", "/formation/modules/nope/lecons/x/terminer", [L, 404, NO, NO, NO]),
    "training.quiz": ("GET", "/formation/modules/nope/quiz", [L, 404, NO, NO, NO]),
    "package_admin.package_list": ("GET", "/admin/paquets/", [L, NO, NO, NO, OK]),
    "package_admin.package_upload": ("POST", "/admin/paquets/nope", [L, NO, NO, NO, 404]),
    "lrs.deliveries": ("GET", "/admin/lrs/", [L, NO, NO, NO, OK]),
    "packages.player": ("GET", "/formation/modules/nope/paquet", [L, 404, NO, NO, NO]),
    "packages.commit": ("POST", "/formation/modules/nope/paquet/cmi", [L, 404, NO, NO, NO]),
    # Package files: public path (the sandboxed frame sends no cookie), a signed token or nothing.
    "package_content.package_file": ("GET", "/paquets/bad-token/index.html", [404] * 5),
    "training.attempt": ("GET", "/formation/modules/nope/quiz/tentatives/1", [L, 404, NO, NO, NO]),
    "training.attestation": ("GET", "/formation/modules/nope/attestation", [L, 404, NO, NO, NO]),
    "training.attestation_pdf": ("GET", "/formation/modules/nope/attestation.pdf", [L, 404, NO, NO, NO]),
    "attestations.verify": ("GET", "/attestations/verifier/bad", [404] * 5),
    "hr_training.team": ("GET", "/rh/formation/", [L, NO, OK, NO, NO]),
    "hr_training.agent_detail": ("GET", "/rh/formation/agents/{other}", [L, NO, 404, NO, NO]),
    "hr_training.export": ("GET", "/rh/formation/export.csv", [L, NO, OK, NO, NO]),
    "hr_training.assign": ("GET", "/rh/formation/affecter", [L, NO, OK, NO, NO]),
    "api_training.get_quiz": ("GET", "/api/v1/modules/nope/quiz", [401, 404, 403, 403, 403]),
    "api_training.lesson_done": ("POST", "/api/v1/modules/nope/lessons/x/done", [401, 404, 403, 403, 403]),
    "api_training.submit_attempt": ("POST", "/api/v1/modules/nope/quiz/attempts", [401, 400, 403, 403, 403]),
    "api_training.my_progress": ("GET", "/api/v1/me/progress", [401, OK, 403, 403, 403]),
    "api_xapi.statements": ("GET", "/api/v1/me/xapi", [401, OK, 403, 403, 403]),
    "api_redaction.preview": ("POST", "/api/v1/redaction/preview", [401, 400, 400, 400, 400]),
    # Reports (remontées): R-2026-999999 does not exist, so scoped routes answer 404.
    "reports.mine": ("GET", "/remontees", [L, OK, NO, NO, NO]),
    "reports.new": ("GET", "/remontees/nouvelle", [L, OK, NO, NO, NO]),
    "reports.confirm": ("POST", "/remontees/nouvelle/confirmer", [L, 400, NO, NO, NO]),
    "reports.similar": ("POST", "/remontees/similaires", [L, OK, NO, NO, NO]),
    "reports.detail": ("GET", "/remontees/R-2026-999999", [L, 404, NO, 404, 404]),
    "reports.attachment": ("GET", "/remontees/R-2026-999999/captures/1", [L, 404, NO, 404, 404]),
    "reports.me_too": ("POST", "/remontees/R-2026-999999/moi-aussi", [L, 404, NO, NO, NO]),
    "reports.withdraw": ("GET", "/remontees/R-2026-999999/retirer", [L, 404, NO, NO, NO]),
    "reports.message": ("POST", "/remontees/R-2026-999999/message", [L, 404, NO, NO, NO]),
    "reports.preferences": ("POST", "/remontees/preferences", [L, 302, NO, 302, NO]),
    "triage.board": ("GET", "/equipe/remontees", [L, NO, NO, OK, OK]),
    "triage.export_csv": ("GET", "/equipe/remontees/export.csv", [L, NO, NO, OK, OK]),
    "triage.statistics": ("GET", "/equipe/statistiques", [L, NO, NO, OK, OK]),
    "triage.change_status": ("POST", "/equipe/remontees/R-2026-999999/statut", [L, NO, NO, 404, NO]),
    "triage.workaround": ("POST", "/equipe/remontees/R-2026-999999/contournement", [L, NO, NO, 404, NO]),
    "triage.comment": ("POST", "/equipe/remontees/R-2026-999999/commentaire", [L, NO, NO, 404, NO]),
    "triage.assign": ("POST", "/equipe/remontees/R-2026-999999/assignation", [L, NO, NO, 404, NO]),
    "triage.tracker": ("POST", "/equipe/remontees/R-2026-999999/ticket", [L, NO, NO, 404, NO]),
    "triage.merge": ("GET", "/equipe/remontees/R-2026-999999/fusion", [L, NO, NO, 404, NO]),
    "triage_tools.respond": ("POST", "/equipe/remontees/R-2026-999999/reponse", [L, NO, NO, 404, NO]),
    "triage_tools.acknowledge": ("POST", "/equipe/remontees/R-2026-999999/accuse-reception", [L, NO, NO, 404, NO]),
    "triage_tools.report_labels": ("POST", "/equipe/remontees/R-2026-999999/etiquettes", [L, NO, NO, 404, NO]),
    "triage_tools.bulk_action": ("POST", "/equipe/remontees/lot", [L, NO, NO, 302, NO]),
    "triage_tools.shortcuts": ("POST", "/equipe/raccourcis", [L, NO, NO, 302, 302]),
    "triage_tools.label_list": ("GET", "/equipe/etiquettes", [L, NO, NO, OK, NO]),
    "triage_tools.label_delete": ("GET", "/equipe/etiquettes/999999/supprimer", [L, NO, NO, 404, NO]),
    "team_settings.index": ("GET", "/equipe/reglages", [L, NO, NO, OK, NO]),
    "team_settings.create_token": ("POST", "/equipe/reglages/jetons", [L, NO, NO, OK, NO]),
    "team_settings.revoke_token": ("GET", "/equipe/reglages/jetons/999999/revoquer", [L, NO, NO, 404, NO]),
    "team_settings.create_webhook": ("POST", "/equipe/reglages/webhooks", [L, NO, NO, 400, NO]),
    "team_settings.webhook_detail": ("GET", "/equipe/reglages/webhooks/999999", [L, NO, NO, 404, NO]),
    "team_settings.webhook_test": ("POST", "/equipe/reglages/webhooks/999999/test", [L, NO, NO, 404, NO]),
    "team_settings.delete_webhook": ("GET", "/equipe/reglages/webhooks/999999/supprimer", [L, NO, NO, 404, NO]),
    "api_reports.applications": ("GET", "/api/v1/applications", [401, OK, OK, OK, OK]),
    "api_reports.create_report": ("POST", "/api/v1/reports", [401, 400, 403, 403, 403]),
    "api_reports.list_reports": ("GET", "/api/v1/reports", [401, OK, 403, OK, OK]),
    "api_reports.similar": ("GET", "/api/v1/reports/similar", [401, 400, 403, 400, 400]),
    "api_reports.get_report": ("GET", "/api/v1/reports/999999", [401, 404, 403, 404, 404]),
    "api_reports.patch_report": ("PATCH", "/api/v1/reports/999999", [401, 403, 403, 404, 403]),
    "api_reports.add_comment": ("POST", "/api/v1/reports/999999/comments", [401, 400, 403, 400, 403]),
    "api_reports.me_too": ("POST", "/api/v1/reports/999999/me-too", [401, 404, 403, 403, 403]),
    "api-docs.openapi_json": ("GET", "/api/v1/openapi.json", [OK] * 5),
    # Consultations of agents by the software teams: 999999 does not exist, so scoped routes answer 404.
    "consultations.agent_list": ("GET", "/consultations/", [L, OK, NO, NO, NO]),
    "consultations.agent_detail": ("GET", "/consultations/999999", [L, 404, NO, NO, NO]),
    "consultations.volunteer": ("POST", "/consultations/999999/participer", [L, 404, NO, NO, NO]),
    "consultations.answer": ("POST", "/consultations/999999/repondre", [L, 404, NO, NO, NO]),
    "consultations.withdraw": ("GET", "/consultations/999999/retirer", [L, 404, NO, NO, NO]),
    "consultations.prototype_image": ("GET", "/consultations/999999/maquette/1", [L, 404, NO, 404, NO]),
    "consultations.team_list": ("GET", "/equipe/consultations/", [L, NO, NO, OK, NO]),
    "consultations.team_new": ("GET", "/equipe/consultations/nouvelle", [L, NO, NO, OK, NO]),
    "consultations.team_edit": ("GET", "/equipe/consultations/999999/modifier", [L, NO, NO, 404, NO]),
    "consultations.team_open": ("POST", "/equipe/consultations/999999/publier", [L, NO, NO, 404, NO]),
    "consultations.team_detail": ("GET", "/equipe/consultations/999999", [L, NO, NO, 404, NO]),
    "consultations.team_export": ("GET", "/equipe/consultations/999999/export.csv", [L, NO, NO, 404, NO]),
    "consultations.team_close": ("GET", "/equipe/consultations/999999/cloturer", [L, NO, NO, 404, NO]),
    "consultations.team_attachment": ("GET", "/equipe/consultations/999999/captures/1", [L, NO, NO, 404, NO]),
    "api_consultations.list_consultations": ("GET", "/api/v1/consultations", [401, OK, 403, OK, 403]),
    "api_consultations.create_consultation": ("POST", "/api/v1/consultations", [401, 403, 403, 400, 403]),
    "api_consultations.get_consultation": ("GET", "/api/v1/consultations/999999", [401, 404, 403, 404, 403]),
    "api_consultations.close_consultation": ("POST", "/api/v1/consultations/999999/close", [401, 403, 403, 400, 403]),
    "api_consultations.answer": ("POST", "/api/v1/consultations/999999/answers", [401, 400, 403, 403, 403]),
    # Passport entries, evidence, shares, HR validation: 999999 does not exist.
    "passport.index": ("GET", "/passeport/", [L, OK, NO, NO, NO]),
    "passport.declare": ("GET", "/passeport/declarer", [L, OK, NO, NO, NO]),
    "passport.entry_detail": ("GET", "/passeport/lignes/999999", [L, 404, NO, NO, NO]),
    "passport.entry_edit": ("GET", "/passeport/lignes/999999/modifier", [L, 404, NO, NO, NO]),
    "passport.entry_submit": ("POST", "/passeport/lignes/999999/soumettre", [L, 404, NO, NO, NO]),
    "passport.evidence_upload": ("POST", "/passeport/lignes/999999/preuves", [L, 404, NO, NO, NO]),
    "passport.entry_renew": ("POST", "/passeport/lignes/999999/renouveler", [L, 404, NO, NO, NO]),
    "passport.add_contribution": ("POST", "/passeport/contributions/A7.5/ajouter", [L, 404, NO, NO, NO]),
    "passport.shares": ("GET", "/passeport/partages", [L, OK, NO, NO, NO]),
    "passport.share_create": ("POST", "/passeport/partages", [L, 302, NO, NO, NO]),
    "passport.share_withdraw": ("GET", "/passeport/partages/999999/retirer", [L, 404, NO, NO, NO]),
    "passport.evidence_file": ("GET", "/passeport/preuves/999999", [L, 404, 404, NO, NO]),
    "hr_passport.queue": ("GET", "/rh/passeports/", [L, NO, OK, NO, NO]),
    "hr_passport.entry": ("GET", "/rh/passeports/lignes/999999", [L, NO, 404, NO, NO]),
    "hr_passport.decide": ("POST", "/rh/passeports/lignes/999999/decision", [L, NO, 404, NO, NO]),
    "hr_passport.revoke": ("GET", "/rh/passeports/lignes/999999/revocation", [L, NO, 404, NO, NO]),
    "hr_passport.agents": ("GET", "/rh/passeports/agents", [L, NO, OK, NO, NO]),
    "hr_passport.agent_passport": ("GET", "/rh/passeports/agents/{other}", [L, NO, 404, NO, NO]),
    "hr_passport.observation": ("GET", "/rh/passeports/agents/{colleague}/observation", [L, NO, OK, NO, NO]),
    "api_passport.my_passport": ("GET", "/api/v1/me/passport", [401, OK, 403, 403, 403]),
    "api_passport.declare": ("POST", "/api/v1/me/passport/entries", [401, 400, 403, 403, 403]),
    "api_passport.submit": ("POST", "/api/v1/me/passport/entries/999999/submit", [401, 404, 403, 403, 403]),
    "api_passport.decide": ("POST", "/api/v1/passport-entries/999999/decision", [401, 403, 400, 403, 403]),
    # Passport documents, mobility, VAE.
    "passport_docs.document": ("GET", "/passeport/document", [L, OK, NO, NO, NO]),
    "passport_docs.document_pdf": ("GET", "/passeport/document.pdf", [L, OK, NO, NO, NO]),
    "passport_docs.withdraw_links": ("GET", "/passeport/document/lien/retirer", [L, OK, NO, NO, NO]),
    "passport_docs.renew_links": ("GET", "/passeport/document/lien/renouveler", [L, OK, NO, NO, NO]),
    "passport_docs.mobility": ("GET", "/passeport/mobilite", [L, OK, NO, NO, NO]),
    "passport_docs.mobility_profile": ("GET", "/passeport/mobilite/NOPE", [L, 404, NO, NO, NO]),
    "passport_docs.mobility_path": ("POST", "/passeport/mobilite/NOPE/parcours", [L, 404, NO, NO, NO]),
    "passport_docs.vae_index": ("GET", "/passeport/vae", [L, OK, NO, NO, NO]),
    "passport_docs.vae_detail": ("GET", "/passeport/vae/NOPE", [L, 404, NO, NO, NO]),
    "passport_docs.vae_stage": ("POST", "/passeport/vae/NOPE/etape", [L, 404, NO, NO, NO]),
    "passport_docs.vae_dossier": ("GET", "/passeport/vae/NOPE/dossier", [L, 404, NO, NO, NO]),
    "passport_docs.vae_dossier_pdf": ("GET", "/passeport/vae/NOPE/dossier.pdf", [L, 404, NO, NO, NO]),
    "hr_vae.candidacies": ("GET", "/rh/vae/", [L, NO, OK, NO, NO]),
    "hr_vae.jury": ("POST", "/rh/vae/999999/jury", [L, NO, 404, NO, NO]),
    "verify.verify": ("GET", "/verify/bad", [404] * 5),
    "verify.jwks_document": ("GET", "/.well-known/jwks.json", [OK] * 5),
    "verify.status_list_document": ("GET", "/ob3/status-lists/0", [OK] * 5),
    "api_passport_docs.my_credentials": ("GET", "/api/v1/me/passport/credentials", [401, OK, 403, 403, 403]),
    "api_passport_docs.my_passport_pdf": ("GET", "/api/v1/me/passport/pdf", [401, OK, 403, 403, 403]),
    "api_passport_docs.my_mobility": ("GET", "/api/v1/me/mobility?profile=NOPE", [401, 404, 403, 403, 403]),
    # Appui expert (back office): A-2026-999999 does not exist, so scoped routes answer 404.
    # Rows of six statuses: anonymous, agent, hr, triager, admin, expert.
    "backoffice.mine": ("GET", "/appui/demandes", [L, OK, NO, NO, NO, NO]),
    "backoffice.new": ("GET", "/appui/demandes/nouvelle", [L, OK, NO, NO, NO, NO]),
    "backoffice.detail": ("GET", "/appui/demandes/A-2026-999999", [L, 404, NO, NO, 404, 404]),
    "backoffice.message": ("POST", "/appui/demandes/A-2026-999999/message", [L, 404, NO, NO, NO, NO]),
    "backoffice.close": ("POST", "/appui/demandes/A-2026-999999/cloture", [L, 404, NO, NO, NO, NO]),
    "backoffice.share": ("POST", "/appui/demandes/A-2026-999999/partage", [L, 404, NO, NO, NO, NO]),
    "backoffice.hand_over": ("POST", "/appui/demandes/A-2026-999999/confier", [L, 404, NO, NO, NO, NO]),
    "backoffice.withdraw_consent": ("GET", "/appui/demandes/A-2026-999999/consentement/retrait", [L, 404, NO, NO, NO, NO]),
    "backoffice.receipt": ("GET", "/appui/demandes/A-2026-999999/recepisse.pdf", [L, 404, NO, NO, NO, NO]),
    "backoffice.consent_form": ("GET", "/appui/consentement.pdf", [L, OK, NO, NO, NO, NO]),
    "backoffice.attachment": ("GET", "/appui/demandes/A-2026-999999/pieces/1", [L, 404, NO, NO, NO, 404]),
    "backoffice.preferences": ("POST", "/appui/preferences", [L, 302, NO, NO, NO, 302]),
    "backoffice.board": ("GET", "/appui/pole", [L, NO, NO, NO, NO, OK]),
    "backoffice.take": ("POST", "/appui/demandes/A-2026-999999/prendre", [L, NO, NO, NO, NO, 404]),
    "backoffice.answer": ("POST", "/appui/demandes/A-2026-999999/reponse", [L, NO, NO, NO, NO, 404]),
    "backoffice.note": ("POST", "/appui/demandes/A-2026-999999/note", [L, NO, NO, NO, NO, 404]),
    "backoffice.reroute": ("POST", "/appui/demandes/A-2026-999999/reorienter", [L, NO, NO, NO, NO, 404]),
    "backoffice.invite": ("POST", "/appui/demandes/A-2026-999999/inviter", [L, NO, NO, NO, NO, 404]),
    "backoffice.transfer": ("POST", "/appui/demandes/A-2026-999999/transfert", [L, NO, NO, NO, NO, 404]),
    "backoffice.fiche_create": ("POST", "/appui/demandes/A-2026-999999/fiche", [L, NO, NO, NO, NO, 404]),
    "backoffice.debrief_ask": ("POST", "/appui/demandes/A-2026-999999/debrief", [L, 404, NO, NO, NO, NO]),
    "backoffice.debrief_slot": ("POST", "/appui/demandes/A-2026-999999/debrief/1/creneau", [L, NO, NO, NO, NO, 404]),
    "backoffice.debrief_accept": ("POST", "/appui/demandes/A-2026-999999/debrief/1/accepter", [L, 404, NO, NO, NO, NO]),
    "backoffice.debrief_note": ("POST", "/appui/demandes/A-2026-999999/debrief/1/compte-rendu", [L, NO, NO, NO, NO, 404]),
    "backoffice.upstream": ("GET", "/appui/demandes/A-2026-999999/remontee", [L, NO, NO, NO, NO, 404]),
    "backoffice.fiche_list": ("GET", "/appui/fiches", [L, OK, NO, NO, OK, OK]),
    "backoffice.fiche": ("GET", "/appui/fiches/999999", [L, 404, NO, NO, 404, 404]),
    "backoffice.fiche_pdf": ("GET", "/appui/fiches/999999.pdf", [L, 404, NO, NO, 404, 404]),
    "backoffice.fiche_useful": ("POST", "/appui/fiches/999999/utile", [L, 404, NO, NO, NO, NO]),
    "backoffice.statistics": ("GET", "/appui/statistiques", [L, NO, NO, NO, OK, OK]),
    "backoffice.statistics_csv": ("GET", "/appui/statistiques.csv", [L, NO, NO, NO, OK, OK]),
    "backoffice_admin.group_list": ("GET", "/admin/appui/poles", [L, NO, NO, NO, OK, NO]),
    "backoffice_admin.group_detail": ("GET", "/admin/appui/poles/NOPE", [L, NO, NO, NO, 404, NO]),
    "backoffice_admin.group_edit": ("GET", "/admin/appui/poles/NOPE/modifier", [L, NO, NO, NO, 404, NO]),
    "backoffice_admin.member_remove": ("POST", "/admin/appui/poles/NOPE/membres/1/retirer", [L, NO, NO, NO, 404, NO]),
    # HR hands an absent agent's request over (all seven roles: anonymous..expert, manager_network).
    "backoffice_hr.requests_list": ("GET", "/rh/appui/demandes", [L, NO, OK, NO, NO, NO, NO]),
    "backoffice_hr.hand_over": ("POST", "/rh/appui/demandes/A-2026-999999/confier", [L, NO, 404, NO, NO, NO, NO]),
    "api_support.list_requests": ("GET", "/api/v1/support-requests", [401, OK, 403, 403, OK, OK]),
    "api_support.create_request": ("POST", "/api/v1/support-requests", [401, 400, 403, 403, 403, 403]),
    "api_support.get_request": ("GET", "/api/v1/support-requests/A-2026-999999", [401, 404, 403, 403, 404, 404]),
    "api_support.add_message": ("POST", "/api/v1/support-requests/A-2026-999999/messages",
                                [401, 400, 403, 403, 403, 400]),
    "api_support.take": ("POST", "/api/v1/support-requests/A-2026-999999/take", [401, 403, 403, 403, 403, 404]),
    "api_support.close": ("POST", "/api/v1/support-requests/A-2026-999999/close", [401, 400, 403, 403, 403, 403]),
    "api_support.list_groups": ("GET", "/api/v1/support-groups", [401, OK, 403, 403, OK, OK]),
    "api_support.list_fiches": ("GET", "/api/v1/fiches", [401, OK, 403, 403, OK, OK]),
    "static": ("GET", "/static/css/passerelle.css", [OK] * 5),
    # ProConnect: without the PROCONNECT_* settings (as here) every route answers 404, before any
    # access rule; tests/accounts/test_proconnect.py runs the same routes with the settings set.
    "proconnect.start": ("GET", "/connexion/proconnect", [404] * 5),
    "proconnect.callback": ("GET", "/connexion/proconnect/retour", [404] * 5),
    "proconnect.resume": ("GET", "/connexion/proconnect/suite", [404] * 5),
    "proconnect.logout": ("GET", "/deconnexion/proconnect", [404] * 5),
    "proconnect.logged_out": ("GET", "/deconnexion/proconnect/retour", [404] * 5),
    "proconnect.link": ("GET", "/compte/proconnect", [404] * 5),
    # Reception quality (desk log, « Votre avis », indicators): six statuses, manager_network last.
    "reception.my_visits": ("GET", "/accueil/registre", [L, OK, NO, NO, NO, NO]),
    "reception.record": ("GET", "/accueil/registre/nouveau", [L, OK, NO, NO, NO, NO]),
    "reception.record_from_home": ("POST", "/accueil/registre/rapide", [L, 400, NO, NO, NO, NO]),
    "reception.quick": ("GET", "/accueil/registre/saisie-rapide", [L, OK, NO, NO, NO, NO]),
    "reception.edit": ("GET", "/accueil/registre/999999/modifier", [L, 404, NO, NO, NO, NO]),
    "reception_hr.index": ("GET", "/rh/accueil/", [L, NO, OK, NO, NO, NO]),
    "reception_hr.renew_voice_link": ("POST", "/rh/accueil/avis/renouveler", [L, NO, 302, NO, NO, NO]),
    "reception_hr.poster": ("GET", "/rh/accueil/affiche.pdf", [L, NO, OK, NO, NO, NO]),
    "reception_hr.create_site_token": ("POST", "/rh/accueil/jetons", [L, NO, 302, NO, NO, NO]),
    "reception_hr.revoke_site_token": ("POST", "/rh/accueil/jetons/999999/revoquer", [L, NO, 404, NO, NO, NO]),
    "reception_hr.visit_import": ("GET", "/rh/accueil/import", [L, NO, OK, NO, NO, NO]),
    "reception_hr.visit_import_apply": ("POST", "/rh/accueil/import/appliquer", [L, NO, 400, NO, NO, NO]),
    "reception_quality.index": ("GET", "/qualite/", [L, NO, 302, NO, OK, OK]),
    "reception_quality.organisation": ("GET", "/qualite/structure/{orgcode}", [L, NO, OK, NO, OK, OK]),
    "reception_quality.department": ("GET", "/qualite/departement/69", [L, NO, NO, NO, OK, OK]),
    "reception_quality.national": ("GET", "/qualite/national", [L, NO, NO, NO, OK, NO]),
    "reception_quality.export_csv": ("GET", "/qualite/structure/{orgcode}/indicateurs.csv", [L, NO, OK, NO, OK, OK]),
    "reception_quality.quality_sheet": ("GET", "/qualite/structure/{orgcode}/fiche.pdf", [L, NO, OK, NO, OK, OK]),
    "reception_quality.network": ("GET", "/qualite/animateurs", [L, NO, NO, NO, OK, NO]),
    "reception_quality.network_remove": ("POST", "/qualite/animateurs/999999/departements/69/retirer",
                                         [L, NO, NO, NO, 404, NO]),
    "voice.answer": ("GET", "/avis/not-a-token", [404] * 6),
    "api_reception.create_visits": ("POST", "/api/v1/visits", [401, 400, NO, NO, NO, NO]),
    # Working conditions (issue 18); the staff_rep capability is covered by tests/workplace/test_access.py.
    "workplace_incidents.index": ("GET", "/conditions-de-travail/signalements", [L, OK, OK, NO, NO]),
    "workplace_incidents.new": ("GET", "/conditions-de-travail/signalements/nouveau", [L, OK, NO, NO, NO]),
    "workplace_incidents.detail": ("GET", "/conditions-de-travail/signalements/999999", [L, 404, 404, NO, NO]),
    "workplace_incidents.transition": ("POST", "/conditions-de-travail/signalements/999999/suite", [L, NO, 404, NO, NO]),
    "workplace_incidents.export_csv": ("GET", "/conditions-de-travail/signalements/export.csv", [L, NO, OK, NO, NO]),
    "workplace_incidents.sheet_pdf": ("GET", "/conditions-de-travail/signalements/999999/fiche.pdf", [L, 404, 404, NO, NO]),
    "workplace_incidents.reveal": ("GET", "/admin/conditions-de-travail/signalements/999999/identite", [L, NO, NO, NO, 404]),
    "workplace_site.index": ("GET", "/conditions-de-travail/poste", [L, NO, OK, NO, NO]),
    "workplace_site.assess": ("GET", "/conditions-de-travail/poste/evaluation", [L, NO, OK, NO, NO]),
    "workplace_site.add_action": ("POST", "/conditions-de-travail/poste/actions", [L, NO, 400, NO, NO]),
    "workplace_site.action_done": ("POST", "/conditions-de-travail/poste/actions/999999/fait", [L, NO, 404, NO, NO]),
    "workplace_barometer.index": ("GET", "/conditions-de-travail/barometre", [L, OK, OK, NO, OK]),
    "workplace_barometer.open_campaign": ("POST", "/conditions-de-travail/barometre/campagnes", [L, NO, 400, NO, 400]),
    "workplace_barometer.respond": ("GET", "/conditions-de-travail/barometre/999999/repondre", [L, 404, NO, NO, NO]),
    "workplace_barometer.close": ("GET", "/conditions-de-travail/barometre/999999/cloture", [L, NO, 404, NO, 404]),
    "workplace_barometer.results": ("GET", "/conditions-de-travail/barometre/999999/resultats", [L, NO, 404, NO, 404]),
    "workplace_barometer.results_csv": ("GET", "/conditions-de-travail/barometre/999999/resultats.csv", [L, NO, 404, NO, 404]),
    "workplace_barometer.results_pdf": ("GET", "/conditions-de-travail/barometre/999999/resultats.pdf", [L, NO, 404, NO, 404]),
    "workplace_dialogue.indicators_page": ("GET", "/conditions-de-travail/indicateurs", [L, NO, OK, NO, OK]),
    "workplace_dialogue.dossier_zip": ("GET", "/conditions-de-travail/dossier.zip", [L, NO, OK, NO, OK]),
    "workplace_dialogue.dossier_pdf": ("GET", "/conditions-de-travail/dossier.pdf", [L, NO, OK, NO, OK]),
    "workplace_dialogue.discussion": ("GET", "/conditions-de-travail/discussion/{org}", [L, OK, OK, NO, OK]),
    "workplace_dialogue.mandates": ("GET", "/admin/conditions-de-travail/representants", [L, NO, NO, NO, OK]),
    "workplace_dialogue.mandate_revoke": ("POST", "/admin/conditions-de-travail/representants/999999/retirer", [L, NO, NO, NO, 404]),
    # Observation with a grid (issue 14): an agent without the tutor capability gets 403; the tutor's own
    # statuses are in tests/training/test_observations.py (no grid is imported here: 404 for HR).
    "observation.index": ("GET", "/observations", [L, NO, OK, NO, NO]),
    "observation.grid": ("GET", "/observations/grille?agent={colleague}&competency=A2.1&context=desk", [L, NO, 404, NO, NO]),
    "observation.detail": ("GET", "/observations/999999", [L, NO, 404, NO, NO]),
    "observation.tutors": ("GET", "/rh/tuteurs", [L, NO, OK, NO, NO]),
    "observation.tutor_revoke": ("POST", "/rh/tuteurs/999999/retirer", [L, NO, 404, NO, NO]),
    # The trainer's kit (issue 14 §4): HR and tutors (the agent here has no capability: 403); tutor statuses and
    # a real module are in tests/training/test_trainer_kit.py (no module is imported here: 404 for HR).
    "trainer.index": ("GET", "/formation/formateur", [L, NO, OK, NO, NO]),
    "trainer.module": ("GET", "/formation/formateur/inconnu", [L, NO, 404, NO, NO]),
    "trainer.module_pdf": ("GET", "/formation/formateur/inconnu.pdf", [L, NO, 404, NO, NO]),
    # The fiches réflexes are read from the shipped curricula folder: HR reads a real one (page and PDF).
    "trainer.sheet": ("GET", "/formation/formateur/fiches/urgences", [L, NO, OK, NO, NO]),
    "trainer.sheet_pdf": ("GET", "/formation/formateur/fiches/urgences.pdf", [L, NO, OK, NO, NO]),
    "api_workplace.list_incidents": ("GET", "/api/v1/workplace/incidents", [401, OK, OK, 403, 403]),
    "api_workplace.get_incident": ("GET", "/api/v1/workplace/incidents/999999", [401, 404, 404, 403, 403]),
}

# manager_network where it differs from the triager on a five-status row: the team's own pages.
NETWORK_MANAGER = {
    "consultations.prototype_image": NO,
    "api_reports.add_comment": NO,
    "api_reports.get_report": NO,
    "api_reports.list_reports": NO,
    "api_reports.patch_report": NO,
    "api_reports.similar": NO,
    "reports.attachment": NO,
    "reports.detail": NO,
    "reports.preferences": NO,
    "site.triager_home": NO,
    "team_settings.create_token": NO,
    "team_settings.create_webhook": NO,
    "team_settings.delete_webhook": NO,
    "team_settings.index": NO,
    "team_settings.revoke_token": NO,
    "team_settings.webhook_detail": NO,
    "team_settings.webhook_test": NO,
    "triage.assign": NO,
    "triage.board": NO,
    "triage.change_status": NO,
    "triage.comment": NO,
    "triage.export_csv": NO,
    "triage.merge": NO,
    "triage.statistics": NO,
    "triage.tracker": NO,
    "triage.workaround": NO,
}


def _network_status(endpoint, expected):
    """manager_network on a row written before the role existed."""
    if endpoint.startswith(("consultations.team", "api_consultations.", "triage_tools.")) \
            and endpoint not in NETWORK_MANAGER:
        return NO  # a software team's own pages and API (consultations, triage tools)
    return NETWORK_MANAGER.get(endpoint, expected[ROLES.index("triager")])


# The expert on the routes written before the role existed (rows of five statuses): 403 on every
# domain page of the other roles, except the pages of any signed-in user listed here.
EXPERT_COLUMN = {
    "site.index": L,
    "site.legal": OK,
    "site.privacy": OK,
    "site.accessibility": OK,
    "site.rgaa": OK,
    "site.healthz": OK,
    "site.readyz": OK,
    "site.notification_list": OK,
    "site.notifications_mark_read": L,
    "accounts.login": L,
    "accounts.logout": L,
    "accounts.forgot_password": OK,
    "accounts.reset_password": 410,
    "accounts.activate": 410,
    "accounts.account": OK,
    "accounts.change_password": 400,
    "accounts.change_email": 400,
    "accounts.confirm_email": 410,
    "accounts.create_token": OK,
    "accounts.revoke_token": 404,
    "privacy.my_data": OK,
    "privacy.my_data_json": OK,
    "privacy.erase_mine": 400,
    "security.verify_code": L,
    "security.setup": OK,
    "security.disable": 400,
    "security.session_extend": 204,
    "api_me.me": OK,
    "referential.reference": OK,
    "referential.profiles": OK,
    "referential.profile": 404,
    "referential.certifications": OK,
    "api_referential.get_referential": 404,
    "api_referential.list_profiles": OK,
    "api_referential.list_certifications": OK,
    "api_referential.list_modules": OK,
    "api_referential.get_module": 404,
    "attestations.verify": 404,
    "api_redaction.preview": 400,
    "api_reports.applications": OK,
    "api-docs.openapi_json": OK,
    "verify.verify": 404,
    "verify.jwks_document": OK,
    "verify.status_list_document": OK,
    "static": OK,
}


def _expert_status(endpoint, expected):
    """The expert on a row written before the role existed."""
    if endpoint not in EXPERT_COLUMN and len(set(expected)) == 1:
        return expected[0]  # a route that answers every role alike (e.g. off unless configured: 404)
    return EXPERT_COLUMN.get(endpoint, NO)


def expected_status(endpoint, expected, role):
    """Rows have 5 statuses (anonymous..admin), 6 with the expert (back office rows) or with
    manager_network (reception rows), or all 7."""
    expected = list(expected)
    if len(expected) == 5:
        expected += [_expert_status(endpoint, expected), _network_status(endpoint, expected)]
    elif len(expected) == 6 and endpoint.startswith("reception"):
        expected.insert(5, _expert_status(endpoint, expected[:5]))
    elif len(expected) == 6:
        expected.append(_network_status(endpoint, expected))
    return expected[ROLES.index(role)]


def test_matrix_covers_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(MATRIX) == set(), "routes missing from the access matrix"
    assert set(MATRIX) - endpoints == set(), "matrix names routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, role, db):
    org = OrganisationFactory()
    hr_colleague = UserFactory(role="agent", organisation=org)
    actor = None
    if role != "anonymous":
        kwargs = {"organisation": org} if role in ("agent", "hr") else {}
        if role == "expert":
            kwargs = {"organisation": OrganisationFactory(kind="caf")}
        if role == "triager":
            kwargs = {"team": TeamFactory()}
        actor = UserFactory(role=role, **kwargs)
    if role == "manager_network":
        from app.reception.services import assign_department

        assign_department(None, actor, org.department)
    other = UserFactory(role="agent")
    failures = []
    for endpoint, (method, path, expected) in MATRIX.items():
        client = app.test_client()
        headers = {}
        if actor is not None:
            client.post("/connexion", data={"email": actor.email, "password": PASSWORD})
            if path.startswith("/api/"):
                _t, raw = services.create_api_token(actor, actor)
                headers = {"Authorization": f"Bearer {raw}"}
        url = path.format(other=other.id, org=org.id, colleague=hr_colleague.id, orgcode=org.code)
        response = client.open(url, method=method, headers=headers)
        status = response.status_code
        response.close()
        want = expected_status(endpoint, expected, role)
        if status != want:
            failures.append(f"{method} {url} as {role}: {status}, expected {want}")
        # Keep the actor active for the next routes (some routes deactivate "other").
        db.session.expire_all()
    assert failures == [], "\n".join(failures)
