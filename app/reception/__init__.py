"""Reception quality: the desk log, the citizens' voice (« Votre avis ») and the quality indicators.

`init_app` assembles the domain: blueprints, CLI, the figures it gives the reports domain
(problems reported by citizens, per application) through that domain's provider registry, and the
figures it gives the working-conditions indicators (accompaniments, waits over 15 minutes).
"""


def init_app(app):
    from app.reception import models  # noqa: F401 - registers the tables
    from app.reception.cli import reception_cli
    from app.reception.hr_views import bp as hr_bp
    from app.reception.quality_views import bp as quality_bp
    from app.reception.queries import citizen_problems_by_application
    from app.reception.views import bp as desk_bp
    from app.reception.voice_views import bp as voice_bp
    from app.reports.stats import register_statistics_provider

    app.register_blueprint(desk_bp)
    app.register_blueprint(hr_bp)
    app.register_blueprint(quality_bp)
    app.register_blueprint(voice_bp)
    app.cli.add_command(reception_cli)
    register_statistics_provider("signalés par des usagers", citizen_problems_by_application)
    from app.reception import workplace_figures

    workplace_figures.register()
    from app.accounts.privacy import register_eraser, register_exporter
    from app.common.retention import register_purger
    from app.reception.privacy import erase_reception, export_reception, purge_reception

    register_exporter("reception", export_reception)
    register_eraser(erase_reception)
    register_purger(purge_reception)
    from app.accounts.signals import organisation_department_changed
    from app.reception.summary import follow_department_change

    organisation_department_changed.connect(follow_department_change)
    _init_templates(app)


def _init_templates(app):
    from app.reception.enums import Channel, Outcome, operator_label, operator_labels
    from app.reception.export import indicator_lines, signed

    def reception_home_form():
        from app.reception.forms import QuickVisitForm

        return QuickVisitForm(formdata=None)

    app.add_template_global(reception_home_form)
    app.add_template_global(lambda value: Channel(value).label, "channel_label")
    app.add_template_global(lambda value: Outcome(value).label, "outcome_label")
    app.add_template_filter(operator_label, "operator_label")
    app.add_template_filter(operator_labels, "operator_labels")
    app.add_template_global(indicator_lines, "indicator_lines")
    app.add_template_global(signed, "signed_points")
