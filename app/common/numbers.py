"""Numbers written the French way for the pages: decimal comma, narrow no-break space for thousands."""

NARROW_NBSP = "\u202f"


def french_number(value, decimals=0):
    """12345.6 -> « 12 345,6 » (decimals digits, rounded); None -> « — »."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def plural(count, singular, plural_form=None):
    """« 1 téléphone », « 2 téléphones », « 0 téléphone » (French: 0 and 1 take the singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{french_number(count)} {word}"
