"""Keyset pagination for API lists: {"items": [...], "next_cursor": ...} with limit and cursor."""
import base64

import marshmallow as ma

from app.api.errors import api_abort
from app.common.pagination import keyset
from app.common.sql import MAX_ID

MAX_LIMIT = 200


class PageArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=MAX_LIMIT))
    cursor = ma.fields.String(load_default=None)


def encode_cursor(value):
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = int(base64.urlsafe_b64decode(padded.encode()).decode())
        if not 0 <= value <= MAX_ID:
            raise ValueError(value)
        return value
    except (ValueError, UnicodeDecodeError):
        api_abort(400, "invalid_cursor", "Le paramètre cursor est invalide.", {"cursor": ["Curseur invalide."]})


def keyset_page(select, id_column, args, descending=False):
    """One page of the domain-built `select` after the request's cursor (newest first when `descending`);
    returns (items, next_cursor)."""
    after = decode_cursor(args["cursor"]) if args.get("cursor") else None
    rows, more = keyset(select, id_column, args["limit"], after, descending)
    return rows, encode_cursor(rows[-1].id) if more else None
