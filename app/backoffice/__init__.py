"""Appui expert (measure 25 « Garantir le back office »): expert groups, support requests, fiches réflexes.

`init_app` assembles the domain: blueprints, the `flask support` commands, the retention rule,
the personal-data export and erasure, the instance key of the encrypted citizen data, and the
first-answer delays it gives the working-conditions indicators.
"""


def init_app(app):
    from app.accounts.privacy import register_eraser, register_exporter
    from app.backoffice import crypto, knowledge_models, models  # noqa: F401  (tables known to migrations)
    from app.backoffice.cli import support_cli
    from app.backoffice.privacy import erase_support, export_support, purge_citizen_blocks
    from app.backoffice.views import register_blueprints
    from app.common.keys import register_key_file
    from app.common.retention import register_purger

    if not app.config.get("SUPPORT_DATA_KEY"):
        if app.config["APP_ENV"] != "production":
            app.config["SUPPORT_DATA_KEY"] = crypto.instance_data_key(app.instance_path)
        else:
            app.logger.warning("SUPPORT_DATA_KEY n'est pas défini : aucune demande d'appui avec données "
                               "usager ou pièce jointe ne pourra être enregistrée.")
    register_key_file(crypto.generate_key_file)
    register_blueprints(app)
    app.cli.add_command(support_cli)
    register_purger(purge_citizen_blocks)
    register_exporter("support", export_support)
    register_eraser(erase_support)
    # delay_summary, invitations and open_counts: their listeners
    from app.backoffice import delay_summary, invitations, open_counts, workplace_figures  # noqa: F401

    workplace_figures.register()
    from app.backoffice.debriefs import home_contribution
    from app.common.home import register_home_contribution

    register_home_contribution("agent", home_contribution())
