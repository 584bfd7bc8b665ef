"""Keyset pagination for API lists: {"items": [...], "next_cursor": ...} with limit and cursor."""
import base64

import marshmallow as ma

from app.api.errors import api_abort
from app.common.sql import MAX_ID
from app.extensions import db

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
    """Run `select` ordered by id after the cursor (newest first when `descending`); returns (items, next_cursor)."""
    limit = args["limit"]
    if args.get("cursor"):
        after = decode_cursor(args["cursor"])
        select = select.where(id_column < after if descending else id_column > after)
    order = id_column.desc() if descending else id_column
    rows = db.session.scalars(select.order_by(None).order_by(order).limit(limit + 1)).unique().all()
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor
