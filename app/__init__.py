"""Passerelle: the application factory."""
import logging
import os
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


class Passerelle(Flask):
    """Flask, with ensure_sync's answer kept per function: Flask asks it again for every hook, context processor
    and view of every request (about twenty inspect calls a request), and a function's kind never changes."""

    # Functions remembered per process; past this size (functions made per call) they are only asked.
    MAX_SYNC_FUNCTIONS = 4096

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync_functions = {}

    def ensure_sync(self, func):
        try:
            known = self._sync_functions.get(func)
        except TypeError:  # an unhashable callable: asked every time, as Flask does
            return super().ensure_sync(func)
        if known is None:
            known = super().ensure_sync(func)
            if len(self._sync_functions) < self.MAX_SYNC_FUNCTIONS:
                self._sync_functions[func] = known
        return known


def create_app(config_name=None, **overrides):
    """Build the Flask application for an environment (development, test, production)."""
    config_name = config_name or os.environ.get("APP_ENV", "development")
    config_class = CONFIGS[config_name]
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get("INSTANCE_PATH")
    app = Passerelle(
        __name__,
        template_folder="../templates",
        instance_path=str(instance_path or INSTANCE_DIR),
        instance_relative_config=False,
    )
    from app.common.templating import Environment

    app.jinja_environment = Environment  # before app.jinja_env is first built
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
    _init_domains(app)
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
        from app.common.dbreads import install_reads_outside_transaction

        with app.app_context():
            install_idle_ping(db.engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
            if db.engine.dialect.driver == "psycopg":
                from app.common.pgcursor import install_columns_on_demand
                from app.common.pgparse import cache_long_statement_parsing

                install_reads_outside_transaction(db.engine)
                install_columns_on_demand(db.engine)
                cache_long_statement_parsing()
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    from app.common.forms import install_fast_html_params

    install_fast_html_params()
    limiter.init_app(app)
    from app.common import jobs

    jobs.init_app(app)
    login_manager.init_app(app)  # the user loader is set by app.accounts.init_app

    # Importing the models registers them with the metadata (migrations, create_all).
    import app.audit.models  # noqa: F401
    import app.notifications.models  # noqa: F401
    import app.passports.models  # noqa: F401
    import app.referential.models  # noqa: F401
    import app.reports.models  # noqa: F401
    import app.training.models  # noqa: F401


def _init_security(app):
    from app.common.security_headers import CachedTalisman
    from app.common.session_cookie import VerifiedCookieSessionInterface

    app.session_interface = VerifiedCookieSessionInterface()

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
    CachedTalisman(
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


def _init_domains(app):
    """Each domain assembles itself: pages, commands, signal receivers, what it registers with common."""
    from app import (
        accounts,
        api,
        audit,
        backoffice,
        consultations,
        notifications,
        passports,
        reception,
        referential,
        reports,
        site,
        training,
        workplace,
    )

    site.init_app(app)
    # The ground floor first: the order of the retention rules and of the privacy sections follows it.
    # A new domain is one more line here (and in .importlinter).
    for domain in (audit, notifications, accounts, referential, training, passports, reports, backoffice, reception, consultations,
                   workplace):
        domain.init_app(app)
    api.init_app(app)


def _init_templates(app):
    from flask import g, has_request_context, request, url_for
    from flask_login import current_user

    from app.common.request_cache import drop_request_caches, register_request_cache_key
    from app.common.timezones import to_local

    def localtime(value, fmt="%d/%m/%Y %H:%M"):
        if value is None:
            return ""
        return to_local(value, _viewer_department()).strftime(fmt)

    def _viewer_department():
        """The signed-in user's département (its time zone), looked up once per request."""
        if not has_request_context():
            return None
        store = g._get_current_object()  # one proxy lookup per call, not two: the board calls this per row
        try:
            return store.viewer_department
        except AttributeError:
            user = current_user._get_current_object() if current_user else None
            organisation = user.organisation if user is not None and user.is_authenticated else None
            store.viewer_department = organisation.department if organisation else None
            return store.viewer_department

    app.jinja_env.filters["localtime"] = localtime
    from app.common.numbers import french_number, plural

    app.jinja_env.filters["number"] = french_number
    app.jinja_env.filters["plural"] = plural

    static_urls = {}

    def static_url(filename):
        """url_for('static', filename=...), computed once per file (the layout links a dozen on every page)."""
        key = (request.script_root, filename)
        url = static_urls.get(key)
        if url is None:
            url = static_urls[key] = url_for("static", filename=filename)
        return url

    app.jinja_env.globals["static_url"] = static_url
    from app.common.forms import csrf_field, field_once_renderer

    app.jinja_env.globals["csrf_field"] = csrf_field
    app.jinja_env.globals["field_once"] = field_once_renderer(app.jinja_env)

    page_urls = {}

    def page_url(endpoint):
        """url_for(endpoint) of a page without arguments, computed once per endpoint (the layout links nine)."""
        key = (request.script_root, endpoint)
        url = page_urls.get(key)
        if url is None:
            url = page_urls[key] = url_for(endpoint)
        return url

    app.jinja_env.globals["page_url"] = page_url
    from app.common.pagination import pagination_nav

    app.jinja_env.globals["pagination_nav"] = pagination_nav

    fragments = {}

    def cached_fragment(key, caller):
        """{% call cached_fragment("key") %}...{% endcall %}: the block rendered once per process, for markup
        that depends on nothing of the request or the user (no CSRF token, no URL argument, no data); re-rendered
        every time when templates reload (debug server)."""
        if app.jinja_env.auto_reload:
            return caller()
        if has_request_context():
            key = (request.script_root, key)  # the fragment's links were built under this prefix
        html = fragments.get(key)
        if html is None:
            html = fragments[key] = caller()  # Markup: the block was rendered with autoescape
        return html

    app.jinja_env.globals["cached_fragment"] = cached_fragment

    register_request_cache_key("viewer_department")
    app.teardown_request(drop_request_caches)
