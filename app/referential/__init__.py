"""Referential: the job reference, competencies, job profiles, certifications."""


def init_app(app):
    from app.referential.views import bp

    app.register_blueprint(bp)
