"""Logging that cannot be forged or leak secrets: one line per record, tokens and passwords masked."""
import logging
import re

# Paths whose last segment is a secret (reset, activation, confirmation, verification links).
SECRET_PATHS = re.compile(
    r"(/(?:mot-de-passe/reinitialiser|activation|compte/adresse/confirmer|verify|attestations/verifier)/)[^\s/?\"']+"
)
# A password may hold spaces: its value runs to the end of the field (quote, &, ; or end of line).
PASSWORD_PAIRS = re.compile(r"(?i)\b(password|mot_de_passe|passwd)([\"']?\s*[=:]\s*[\"']?)[^\"'&;\r\n]+")
SECRET_PAIRS = re.compile(
    r"(?i)\b(password|mot_de_passe|passwd|token|secret|csrf_token|session|cookie|authorization)"
    r"(\s*[=:]\s*)(bearer\s+)?[^\s&;,\"']+"
)
BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")
API_TOKEN = re.compile(r"\bpsr_[A-Za-z0-9_-]{10,}")
# OpenID Connect values in URLs (ProConnect's return and logout): access logs must not keep them.
OIDC_PARAMS = re.compile(r"([?&](?:code|state|nonce|id_token_hint|id_token|code_verifier|jeton)=)[^\s&\"']+")


def scrub(text):
    """Mask secrets and make the text a single line (a newline in user input cannot forge a record)."""
    text = SECRET_PATHS.sub(r"\1[masqué]", text)
    text = PASSWORD_PAIRS.sub(lambda m: f"{m.group(1)}{m.group(2)}[masqué]", text)
    text = SECRET_PAIRS.sub(lambda m: f"{m.group(1)}{m.group(2)}[masqué]", text)
    text = BEARER.sub(r"\1[masqué]", text)
    text = API_TOKEN.sub("[jeton masqué]", text)
    text = OIDC_PARAMS.sub(r"\1[masqué]", text)
    return text.replace("\r", "\\r").replace("\n", "\\n")


class ScrubbingFilter(logging.Filter):
    """Applied to every handler: the formatted message is scrubbed before it is written."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        return True


class SingleLineFormatter(logging.Formatter):
    """Tracebacks stay attached to their record on one line, escaped."""

    def format(self, record):
        return super().format(record).replace("\r", "\\r").replace("\n", "\\n")


_SCRUBBER = ScrubbingFilter()
_base_record_factory = logging.getLogRecordFactory()


def _scrubbed_record(*args, **kwargs):
    record = _base_record_factory(*args, **kwargs)
    _SCRUBBER.filter(record)
    return record


def install(app):
    """Scrub every log record of the process where it is made, whatever logger and handler carry it.

    Filters on loggers only see records logged to that very logger (not its children), and filters on
    handlers only the handlers present now: the record factory catches the rest (app.* modules,
    handlers added later by the server or a log shipper).
    """
    if logging.getLogRecordFactory() is not _scrubbed_record:
        logging.setLogRecordFactory(_scrubbed_record)
    scrubber = _SCRUBBER
    for name in ("", "werkzeug", "gunicorn.access", "gunicorn.error", app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubbingFilter) for f in logger.filters):
            logger.addFilter(scrubber)
        for handler in logger.handlers:
            if not any(isinstance(f, ScrubbingFilter) for f in handler.filters):
                handler.addFilter(scrubber)
