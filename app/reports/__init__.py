"""Reports: the catalogue of online services, citizens' reports of failures, triage, webhooks."""


def init_app(app):
    """Pages, the catalogue and webhook commands, the webhook job, privacy and retention."""
    from app.accounts.privacy import register_eraser, register_exporter
    from app.accounts.sessions import register_pending_form_masker
    from app.common.jobs import register_job
    from app.common.retention import register_purger
    from app.reports import month_counts, settings_views, triage_tools_views, triage_views, views  # noqa: F401
    from app.reports.cli import catalog_cli, reports_cli, webhooks_cli
    from app.reports.privacy import erase_reports, export_reports, mask_kept_text, purge_citizen_words
    from app.reports.webhooks import deliver_due

    for blueprint in (views.bp, triage_views.bp, triage_tools_views.bp, settings_views.bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(catalog_cli)
    app.cli.add_command(webhooks_cli)
    app.cli.add_command(reports_cli)
    register_exporter("reports", export_reports)
    register_eraser(erase_reports)
    register_purger(purge_citizen_words)
    register_pending_form_masker(mask_kept_text)
    register_job("webhooks", deliver_due)
    from app.common.home import register_home_contribution
    from app.reports.home import home_contribution

    register_home_contribution("agent", home_contribution())
    # The DSFR badge kind of each status (reports/_macros.html status_badge, and the board's rows inline).
    app.jinja_env.globals["report_status_badge_kinds"] = STATUS_BADGE_KINDS


STATUS_BADGE_KINDS = {"new": "new", "info_requested": "warning", "workaround_available": "info", "fixed": "success",
                      "verified": "success", "qualified": "info", "acknowledged": "info", "in_progress": "info"}
