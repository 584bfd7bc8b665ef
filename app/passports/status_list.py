"""W3C Bitstring Status List (v1.0) for the passport's Open Badges credentials: revocation.

Every entry has a fixed place in the lists: list `entry_id // LIST_SIZE`, index `entry_id % LIST_SIZE`,
so an issued credential's place never changes and needs no bookkeeping. A bit is set when the entry is
revoked or rejected: both states are final in the workflow (app.passports.workflow), so a set bit is
never cleared, as the specification requires of the `revocation` purpose. The list is read from the
entries' statuses when it is served: the bit flips in the same commit as the revocation.
"""
import base64
import gzip

from app.extensions import db
from app.passports.models import EntryStatus, PassportEntry

# 131,072 entries (16 KB uncompressed): the specification's minimum, for herd privacy.
LIST_SIZE = 131072
PURPOSE = "revocation"
# Final states whose credentials no longer hold.
REVOKED_STATES = (EntryStatus.REVOKED.value, EntryStatus.REJECTED.value)


def position(entry_id):
    """(list number, index in that list) of an entry: stable for the life of the entry."""
    return divmod(entry_id, LIST_SIZE)


def revoked_indexes(number):
    """Indexes set in list `number`: its entries that are revoked or rejected (one query)."""
    low = number * LIST_SIZE
    ids = db.session.scalars(
        db.select(PassportEntry.id).where(
            PassportEntry.id >= low, PassportEntry.id < low + LIST_SIZE,
            PassportEntry.status.in_(REVOKED_STATES),
        )
    )
    return [entry_id - low for entry_id in ids]


def encode(indexes, size=LIST_SIZE):
    """The `encodedList`: multibase base64url (prefix `u`, no padding) of the GZIP-compressed bitstring,
    index 0 being the most significant bit of the first byte."""
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same list always encodes to the same text.
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded):
    """The bitstring (bytes) of an `encodedList`."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix u)")
    payload = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
