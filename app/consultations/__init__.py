"""Consultations of agents by software teams (measure 26): upstream of the next version of a service.

Stands on reports (catalogue, redaction, screenshots, webhooks); reports never import it.
"""


def init_app(app):
    """Register the models, pages, template helpers and personal-data hooks of the consultations domain."""
    from app.consultations import models, queries, views_agent, views_team  # noqa: F401 - tables and routes
    from app.consultations.blueprint import bp

    app.register_blueprint(bp)
    from app.accounts.privacy import register_eraser, register_exporter
    from app.common.retention import register_purger
    from app.consultations.privacy import erase_consultations, export_consultations, purge_citizen_views

    register_exporter("consultations", export_consultations)
    register_eraser(erase_consultations)
    register_purger(purge_citizen_views)
    from app.common.home import register_home_contribution

    register_home_contribution("agent", queries.home_contribution())  # a few open consultations
