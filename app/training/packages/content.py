"""Package files served to the player's sandboxed frame, on their own path and under their own policy.

The frame is sandboxed without `allow-same-origin`: its documents run in an opaque origin, so the
package's scripts can neither read the site's cookies nor script the player page, and they reach the
run-time only through scorm-again's cross-frame messages. Such a frame sends no session cookie with
its requests, so the URL carries a signed, short-lived token naming the package and the learner (for
the resume cache); the files themselves are course material, never personal data.
"""
import html
import json
import mimetypes
import re
from pathlib import Path

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import safe_join

from app.extensions import db
from app.training.packages.models import PackageAttempt, ScormPackage
from app.training.packages.runtime import flattened, resume_data
from app.training.packages.sources import storage_dir

# A salt name, not a secret.
TOKEN_SALT = "scorm-package-content"  # noqa: S105  # nosec B105
TOKEN_MAX_AGE = 12 * 3600
_HEAD = re.compile(rb"<head(\s[^>]*)?>", re.IGNORECASE)


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def content_token(package, user):
    return _serializer().dumps([package.id, user.id])


def read_token(token):
    """(package, user_id) named by a valid token, or None."""
    try:
        package_id, user_id = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    package = db.session.get(ScormPackage, package_id) if isinstance(package_id, int) else None
    return (package, user_id) if package is not None else None


def site_origin():
    return request.host_url.rstrip("/")


def content_policy(origin):
    """The Content-Security-Policy of package files: scripts run here, and talk to nothing but the site."""
    return {
        "default-src": origin,
        "script-src": [origin, "'unsafe-inline'", "'unsafe-eval'"],  # packages are built with both
        "style-src": [origin, "'unsafe-inline'"],
        "img-src": [origin, "data:", "blob:"],
        "media-src": [origin, "blob:"],
        "font-src": [origin, "data:"],
        "connect-src": "'none'",  # no beacon, no fetch: the run-time data goes through the player only
        "form-action": "'none'",
        "object-src": "'none'",
        "base-uri": origin,
        "frame-ancestors": "'self'",
        # Even opened on its own, a package document stays in an opaque origin.
        "sandbox": "allow-scripts allow-forms allow-popups",
    }


def file_of(package, filename):
    """The stored file's path, or None (unknown package folder, escape attempt, missing file)."""
    folder = storage_dir(package.sha256)
    joined = safe_join(str(folder), filename)
    if joined is None:
        return None
    path = Path(joined)
    return path if path.is_file() and not path.is_symlink() else None


def bridge_tags(package, user_id):
    """The scripts put first in every HTML page of a package: the cross-frame API as `window.API`."""
    attempt = db.session.scalar(db.select(PackageAttempt).where(
        PackageAttempt.user_id == user_id, PackageAttempt.version_id == package.version_id))
    cache = flattened(resume_data(attempt) or {})
    static = current_app.static_url_path
    return (
        f'<script src="{static}/scorm-again/cross-frame-api.min.js"></script>'
        f'<script src="{static}/js/scorm-bridge.js" data-parent-origin="{html.escape(site_origin())}" '
        f'data-cmi="{html.escape(json.dumps(cache))}"></script>'
    ).encode()


def with_bridge(content, tags):
    match = _HEAD.search(content)
    if match:
        return content[:match.end()] + tags + content[match.end():]
    return tags + content


def mimetype_of(path):
    kind, _encoding = mimetypes.guess_type(path.name)
    return kind or "application/octet-stream"
