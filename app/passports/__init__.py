"""Passports: the skills passport's entries, evidence, validation, documents, credentials, VAE."""


def init_app(app):
    """Pages, privacy, and the receivers of the training signals (training never imports passports)."""
    from app.accounts.privacy import register_eraser, register_exporter
    from app.passports import doc_views, hr_views, vae_hr_views, verify_views, views
    from app.passports.privacy import erase_passport, export_passport
    from app.passports.receivers import connect_receivers

    register_exporter("passport", export_passport)
    register_eraser(erase_passport)
    for blueprint in (views.bp, hr_views.bp, doc_views.bp, vae_hr_views.bp, verify_views.bp):
        app.register_blueprint(blueprint)
    connect_receivers()
    from app.common.home import register_home_contribution
    from app.passports.home import home_contribution

    register_home_contribution("agent", home_contribution())
    # The DSFR badge kind of each entry status (passports/_macros.html: status_badge and the entries table).
    app.jinja_env.globals["passport_status_badge_kinds"] = STATUS_BADGE_KINDS


STATUS_BADGE_KINDS = {"submitted": "new", "validated": "success", "rejected": "error", "changes_requested": "warning",
                      "revoked": "error"}
