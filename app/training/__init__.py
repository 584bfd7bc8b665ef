"""Training: modules, paths, lessons, quizzes, progress, attestations, the curricula loader."""


def init_app(app):
    """Pages, the curricula commands, privacy, the catalogue the referential shows, the request cache."""
    from app.accounts.privacy import register_eraser, register_exporter
    from app.common.request_cache import register_request_cache_key
    from app.referential.services import register_module_provider

    # Importing attestation_views (it imports app.training.views first) attaches the attestation
    # routes to the training blueprint before it is registered below.
    from app.training.attestation_views import verify_bp as attestations_bp
    from app.training.cli import curricula_cli
    from app.training.hr_views import bp as hr_training_bp
    from app.training.observation_views import bp as observation_bp
    from app.training.privacy import erase_training, export_training
    from app.training.services import modules_by_competency
    from app.training.trainer_views import bp as trainer_bp
    from app.training.views import bp as training_bp

    register_exporter("training", export_training)
    register_eraser(erase_training)
    register_module_provider(modules_by_competency)
    from app.accounts.loader import register_capability
    from app.training.observations import tutor_column

    register_capability("tutor", tutor_column)  # the header's « Observer un agent » link, no query per page
    from app.common.home import register_home_contribution
    from app.training.home import home_contribution

    register_home_contribution("agent", home_contribution())
    for blueprint in (training_bp, attestations_bp, hr_training_bp, observation_bp, trainer_bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(curricula_cli)
    from app.training.durations import minutes_label

    app.add_template_filter(minutes_label, "minutes_label")  # « 25 min », « 1 h 40 »
    register_request_cache_key("training_catalogue")  # reference.catalogue() memoises it in g
    from app.training import lrs, packages

    packages.init_app(app)  # SCORM packages: player, commit endpoint, package files
    lrs.init_app(app)  # statements queued for a Learning Record Store
