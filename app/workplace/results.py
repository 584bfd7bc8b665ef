"""Barometer cells as table rows (page, CSV, PDF): a hidden cell shows no figure at all."""
from app.workplace.enums import BAROMETER_ITEMS

HIDDEN = "masqué (petit effectif)"


def results_rows(cells, minimum):
    """[header, row...]: one row per cell; no count and no score for a hidden cell."""
    header = ["périmètre", "répondants"] + [label for _code, label in BAROMETER_ITEMS]
    rows = [header]
    for cell in cells:
        means = cell.means()
        if means is None:
            rows.append([cell.label, f"moins de {minimum} ou masqué"] + [HIDDEN] * len(BAROMETER_ITEMS))
        else:
            rows.append([cell.label, cell.count] + [f"{means[code]:.1f}".replace(".", ",")
                                                      for code, _l in BAROMETER_ITEMS])
    return rows
