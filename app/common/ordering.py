"""Small helpers on sequences."""


def unique(items, key):
    """The items in their order, the first of each `key(item)` only."""
    seen, result = set(), []
    for item in items:
        marker = key(item)
        if marker not in seen:
            seen.add(marker)
            result.append(item)
    return result
