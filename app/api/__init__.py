"""JSON API v1: flask-smorest declarations validate requests and generate the OpenAPI document."""
import marshmallow as ma
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser


class ErrorDetail(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw())


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorDetail, required=True)


class Parser(FlaskParser):
    # Bad input is a 400 with the field named, as everywhere else in the API.
    DEFAULT_VALIDATION_STATUS = 400


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = Parser()


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        # Errors are rendered by app.common.errors for both HTML and JSON.
        pass


api = Api(
    spec_kwargs={
        "info": {
            "description": "API de Passerelle. Authentification : `Authorization: Bearer <jeton>`.",
        },
    }
)


def init_app(app):
    """The API's blueprints, its token checker, and no CSRF (bearer tokens, never cookies)."""
    from app.api import (
        consultations,
        me,
        passport,
        passport_docs,
        reception,
        referential,
        reports,
        reports_redaction,
        support,
        training,
        workplace,
        xapi,
    )
    from app.api.auth import check_token
    from app.common.access import register_token_checker

    register_token_checker(check_token)
    api.init_app(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer"}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    api.register_blueprint(me.blp)
    api.register_blueprint(referential.blp)
    api.register_blueprint(training.blp)
    api.register_blueprint(passport.blp)
    api.register_blueprint(passport_docs.blp)
    api.register_blueprint(xapi.blp)
    api.register_blueprint(reports_redaction.blp)
    api.register_blueprint(reports.blp)
    api.register_blueprint(support.blp)
    api.register_blueprint(workplace.blp)
    reception.init(api)
    api.register_blueprint(consultations.blp)
    from app.extensions import csrf

    for name in list(app.blueprints):
        if name.startswith("api_"):
            csrf.exempt(app.blueprints[name])
