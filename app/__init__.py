"""Passerelle: the application factory."""
import logging
import os
from functools import lru_cache
from pathlib import Path

from flask import Flask
from sqlalchemy import event

from config import CONFIGS, INSTANCE_DIR


def _sqlite_pragmas(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")  # writers queue rather than fail under load
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")  # erased data is overwritten, not left in free pages
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_manual_begin(dbapi_connection, connection_record):
    dbapi_connection.isolation_level = None  # the "begin" listener issues BEGIN IMMEDIATE


def _sqlite_begin_immediate(connection):
    # Take the write lock at BEGIN: concurrent writers then wait (busy timeout) instead of
    # failing with "database is locked" when a read transaction tries to become a write one.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_app(config_name=None, **overrides):
    """Build the Flask application for an environment (development, test, production)."""
    config_name = config_name or os.environ.get("APP_ENV", "development")
    config_class = CONFIGS[config_name]
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get("INSTANCE_PATH")
    app = Flask(
        __name__,
        template_folder="../templates",
        instance_path=str(instance_path or INSTANCE_DIR),
        instance_relative_config=False,
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY") and config_name != "production":
        from app.common.keys import instance_secret_key

        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    config_class.check(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    # Redis down: each instance counts on its own rather than refusing every login.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", bool(app.config["REDIS_URL"]))
    if not app.config["RATELIMIT_ENABLED"]:
        app.config["RATELIMIT_ENABLED"] = False

    _init_extensions(app)
    _init_security(app)
    _register_blueprints(app)
    from app.accounts.proconnect import init_app as init_proconnect

    init_proconnect(app)
    from app.workplace import init_app as init_workplace

    init_workplace(app)
    _init_templates(app)

    from app.accounts.security_views import require_two_factor_setup
    from app.accounts.sessions import enforce_session_lifetime
    from app.cli import register_cli
    from app.common.access import enforce_access_rule, forbid_caching
    from app.common.errors import register_error_handlers

    # Order matters: an expired session goes to the login page before any access rule answers.
    app.before_request(enforce_session_lifetime)
    app.before_request(enforce_access_rule)
    app.before_request(require_two_factor_setup)
    app.after_request(forbid_caching)
    register_error_handlers(app)
    register_cli(app)
    from app.common.logs import install as install_log_scrubbing

    install_log_scrubbing(app)
    if not app.debug and not app.testing:
        app.logger.setLevel(logging.INFO)
    return app


def _init_extensions(app):
    from app.common.models import render_migration_item
    from app.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)
            if app.config["SQLITE_BEGIN_IMMEDIATE"]:
                event.listen(db.engine, "connect", _sqlite_manual_begin)
                event.listen(db.engine, "begin", _sqlite_begin_immediate)
    else:
        from app.common.dbping import install_idle_ping

        with app.app_context():
            install_idle_ping(db.engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    from app.common import jobs

    jobs.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(identifier):
        user_id, _, version = identifier.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        from app.notifications.services import remember_unread_count

        row = db.session.execute(_user_statement(), {"user_id": int(user_id)}).first()
        if row is None:
            return None
        user, unread = row
        if not user.active or user.session_version != int(version):
            return None
        remember_unread_count(user.id, unread)
        return user

    # Importing the models registers them with the metadata (migrations, create_all).
    import app.audit.models  # noqa: F401
    import app.notifications.models  # noqa: F401
    import app.passports.models  # noqa: F401
    import app.referential.models  # noqa: F401
    import app.reports.models  # noqa: F401
    import app.training.models  # noqa: F401


@lru_cache(maxsize=1)
def _user_statement():
    """One query for the signed-in user, the organisation and the unread notifications of the header
    (built once: constructing a statement costs more than running this one)."""
    from sqlalchemy import bindparam

    from app.accounts.models import User
    from app.extensions import db
    from app.notifications.services import unread_count_column

    return db.select(User, unread_count_column(User.id)).where(User.id == bindparam("user_id"))


def _init_security(app):
    from flask_talisman import Talisman

    csp = {
        "default-src": "'self'",
        "img-src": ["'self'", "data:"],
        "script-src": "'self'",
        "style-src": "'self'",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    production = app.config["FORCE_HTTPS"]
    Talisman(
        app,
        force_https=production,
        strict_transport_security=production,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=csp,
        frame_options="DENY",
        referrer_policy="same-origin",
    )
    proxies = int(os.environ.get("TRUSTED_PROXIES", "0"))
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )


def _register_blueprints(app):
    from app.accounts.admin_views import bp as admin_bp
    from app.accounts.hr_views import bp as hr_bp
    from app.accounts.privacy import register_eraser, register_exporter
    from app.accounts.privacy_views import bp as privacy_bp
    from app.accounts.security_views import bp as security_bp
    from app.accounts.views import bp as accounts_bp
    from app.api import init_api
    from app.extensions import csrf
    from app.passports.doc_views import bp as passport_docs_bp
    from app.passports.hr_views import bp as hr_passport_bp
    from app.passports.receivers import connect_receivers
    from app.passports.vae_hr_views import bp as hr_vae_bp
    from app.passports.verify_views import bp as verify_bp
    from app.passports.views import bp as passport_bp
    from app.referential.services import register_module_provider
    from app.referential.views import bp as referential_bp
    from app.reports.settings_views import bp as team_settings_bp
    from app.reports.triage_views import bp as triage_bp
    from app.reports.views import bp as reports_bp
    from app.site.views import bp as site_bp

    # Importing attestation_views (it imports app.training.views first) attaches the attestation
    # routes to the training blueprint before it is registered below.
    from app.training.attestation_views import verify_bp as attestations_bp
    from app.training.hr_views import bp as hr_training_bp
    from app.training.privacy import erase_training, export_training
    from app.training.services import modules_by_competency
    from app.training.views import bp as training_bp

    app.register_blueprint(site_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(triage_bp)
    app.register_blueprint(team_settings_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(security_bp)
    app.register_blueprint(privacy_bp)
    register_exporter("training", export_training)
    register_eraser(erase_training)
    from app.accounts.sessions import register_pending_form_masker
    from app.common.retention import register_purger
    from app.passports.privacy import erase_passport, export_passport
    from app.reports.privacy import erase_reports, export_reports, mask_kept_text, purge_citizen_words

    register_exporter("passport", export_passport)
    register_eraser(erase_passport)
    register_exporter("reports", export_reports)
    register_eraser(erase_reports)
    register_purger(purge_citizen_words)
    register_pending_form_masker(mask_kept_text)
    app.register_blueprint(admin_bp)
    app.register_blueprint(hr_bp)
    app.register_blueprint(referential_bp)
    register_module_provider(modules_by_competency)
    app.register_blueprint(training_bp)
    app.register_blueprint(attestations_bp)
    app.register_blueprint(hr_training_bp)
    app.register_blueprint(passport_bp)
    app.register_blueprint(hr_passport_bp)
    app.register_blueprint(passport_docs_bp)
    app.register_blueprint(hr_vae_bp)
    app.register_blueprint(verify_bp)
    connect_receivers()
    init_api(app)
    # The JSON API authenticates with bearer tokens, never cookies: no CSRF there.
    for name in list(app.blueprints):
        if name.startswith("api_"):
            csrf.exempt(app.blueprints[name])


# Values memoised in flask.g for one request only.
REQUEST_CACHE_KEYS = ("viewer_department", "training_catalogue", "unread_notifications")


def _init_templates(app):
    from flask import g, has_request_context, request, url_for
    from flask_login import current_user

    from app.common.timezones import to_local

    def localtime(value, fmt="%d/%m/%Y %H:%M"):
        if value is None:
            return ""
        return to_local(value, _viewer_department()).strftime(fmt)

    def _viewer_department():
        """The signed-in user's département (its time zone), looked up once per request."""
        if not has_request_context():
            return None
        if "viewer_department" not in g:
            user = current_user._get_current_object() if current_user else None
            organisation = user.organisation if user is not None and user.is_authenticated else None
            g.viewer_department = organisation.department if organisation else None
        return g.viewer_department

    app.jinja_env.filters["localtime"] = localtime

    static_urls = {}

    def static_url(filename):
        """url_for('static', filename=...), computed once per file (the layout links a dozen on every page)."""
        key = (request.script_root, filename)
        url = static_urls.get(key)
        if url is None:
            url = static_urls[key] = url_for("static", filename=filename)
        return url

    app.jinja_env.globals["static_url"] = static_url

    @app.teardown_request
    def _drop_request_caches(_exc=None):
        # What a request memoised in g (the app context outlives requests in tests and CLI commands).
        for key in REQUEST_CACHE_KEYS:
            g.pop(key, None)

    @app.context_processor
    def navigation():
        from app.notifications.services import unread_count

        count = 0
        if current_user and current_user.is_authenticated:
            try:
                count = unread_count(current_user)
            except Exception:  # noqa: BLE001 - the header must render even if the count fails
                count = 0
        from app.site.navigation import main_navigation

        return {
            "unread_notifications": count,
            "main_navigation": lambda: main_navigation(current_user),
        }
