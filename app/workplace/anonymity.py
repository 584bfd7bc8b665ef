"""Small-number rules for survey results: fixed groupings and complementary suppression.

The groupings are fixed in advance: national → départements → organisations, per quarter. A cell is
shown only when it has at least `minimum` respondents AND the hidden part of its parent group is
either empty or itself at least `minimum`: then no difference between figures that are shown (a
parent minus some of its children) ever isolates a group smaller than `minimum`. When a parent
is hidden, all its children are hidden too.
"""
from dataclasses import dataclass, field


@dataclass
class Cell:
    key: str  # "national" | "dep-69" | "org-12"
    level: str
    label: str
    count: int = 0
    sums: dict = field(default_factory=dict)
    children: list = field(default_factory=list)
    shown: bool = False
    parent: str | None = None

    def means(self):
        """{item: mean rounded to 0.1}, or None when the cell is hidden."""
        if not self.shown or not self.count:
            return None
        return {item: round(total / self.count, 1) for item, total in self.sums.items()}


def _add(cell, count, sums):
    cell.count += count
    for item, total in sums.items():
        cell.sums[item] = cell.sums.get(item, 0) + total


def build(rows, labels, department_rows=None):
    """Cells from rows (org_id, department, count, {item: sum}); labels = {key: label}. Returns {key: Cell}.

    With department_rows (department, count, sums) the national and département cells come from them and
    `rows` may hold the organisations of some départements only (the others are not needed for a page).
    """
    cells = {"national": Cell("national", "national", "National")}
    if department_rows is not None:
        for department, count, sums in department_rows:
            dep_key = f"dep-{department or '?'}"
            cells[dep_key] = Cell(dep_key, "department", labels.get(dep_key, f"Département {department or '?'}"),
                                  parent="national")
            cells["national"].children.append(dep_key)
            _add(cells["national"], count, sums)
            _add(cells[dep_key], count, sums)
        for org_id, department, count, sums in rows:
            org_key, dep_key = f"org-{org_id}", f"dep-{department or '?'}"
            cells[org_key] = Cell(org_key, "organisation", labels.get(org_key, org_key), parent=dep_key)
            cells[dep_key].children.append(org_key)
            _add(cells[org_key], count, sums)
        return cells
    for org_id, department, count, sums in rows:
        dep_key = f"dep-{department or '?'}"
        if dep_key not in cells:
            cells[dep_key] = Cell(dep_key, "department", labels.get(dep_key, f"Département {department or '?'}"),
                                  parent="national")
            cells["national"].children.append(dep_key)
        org_key = f"org-{org_id}"
        if org_key not in cells:
            cells[org_key] = Cell(org_key, "organisation", labels.get(org_key, org_key), parent=dep_key)
            cells[dep_key].children.append(org_key)
        for key in ("national", dep_key, org_key):
            _add(cells[key], count, sums)
    return cells


def suppress(cells, minimum):
    """Decide which cells are shown (top-down); returns the same dict."""
    root = cells.get("national")
    if root is None:
        return cells
    root.shown = root.count >= minimum
    pending = [root]
    while pending:
        parent = pending.pop()
        children = [cells[k] for k in parent.children]
        shown = shown_children({c.key: c.count for c in children}, minimum) if parent.shown else set()
        for child in children:
            child.shown = child.key in shown
        pending.extend(children)
    return cells


def shown_children(counts, minimum):
    """{key: respondents} of the children of a shown cell -> the keys of those shown: each has at least
    `minimum`, and enough of the smallest are hidden with the small ones that the hidden remainder of the
    parent is empty or at least `minimum` (complementary suppression)."""
    shown = {key for key, count in counts.items() if count >= minimum}
    visible = sorted(shown, key=lambda key: (counts[key], key))
    hidden_total = sum(count for key, count in counts.items() if key not in shown)
    while 0 < hidden_total < minimum and visible:
        smallest = visible.pop(0)
        shown.discard(smallest)
        hidden_total += counts[smallest]
    return shown


def path_cell(key, level, label, departments, department_key, organisations, sums, minimum):
    """The cell of one département or organisation, shown or hidden as suppress() decides in the whole tree,
    from counts only: `departments` = {dep key: respondents} of every département (the nation is their sum),
    `department_key` the cell's own département (itself for a département), `organisations` = {org key:
    respondents} of that département's organisations (unused for a département); `sums` are the cell's own.
    Top-down like suppress(): shown only when the nation and its département are, and its siblings allow it."""
    siblings = departments if level == "department" else organisations
    cell = Cell(key, level, label, count=siblings.get(key, 0))
    if not cell.count:
        return cell
    cell.sums = dict(sums)
    if sum(departments.values()) < minimum or department_key not in shown_children(departments, minimum):
        return cell
    cell.shown = level == "department" or key in shown_children(organisations, minimum)
    return cell


def suppress_breakdown(counts, minimum):
    """{label: count} -> {label: shown?}: counts from 1 to minimum - 1 are hidden, and enough others
    with them that the total minus the shown counts is 0 or at least `minimum` (zeros stay shown)."""
    shown = {label: count == 0 or count >= minimum for label, count in counts.items()}
    visible = sorted((label for label, ok in shown.items() if ok and counts[label] > 0), key=lambda k: (counts[k], k))
    hidden_total = sum(count for label, count in counts.items() if not shown[label])
    while 0 < hidden_total < minimum and visible:
        label = visible.pop(0)
        shown[label] = False
        hidden_total += counts[label]
    return shown
