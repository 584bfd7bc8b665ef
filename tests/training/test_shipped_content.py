"""The shipped curricula meet the content counts promised by the curricula issue."""
from collections import Counter

from app.training.curricula.validate import load_tree

PARTNERS = {"caf", "assurance_maladie", "assurance_retraite", "msa", "france_travail", "dgfip",
            "france_titres", "la_poste", "justice"}


def test_shipped_content_counts():
    tree = load_tree("curricula")
    assert tree.problems == []
    activities = tree.referential.activities
    assert [a.code for a in activities] == ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]
    competencies = [c for a in activities for c in a.competencies]
    assert len(competencies) >= 30
    assert all(len(a.competencies) >= 1 for a in activities)
    assert all(sorted(c.levels) == [1, 2, 3, 4] for c in competencies)
    assert len(tree.profiles.profiles) >= 8
    assert sum(1 for p in tree.profiles.profiles if p.rome) >= 6
    assert len(tree.certifications.certifications) >= 4
    kinds = Counter(m.model.kind for m in tree.modules)
    assert kinds["core"] >= 8
    assert kinds["specialist"] >= 9
    assert PARTNERS <= {m.model.partner for m in tree.modules if m.model.kind == "specialist"}
    for source in tree.modules:
        module = source.model
        assert module.sources, module.slug
        if module.format == "package":  # a SCORM package carries its own content and check
            continue
        assert len(module.lessons) >= 3, module.slug
        assert len(module.quiz.questions) >= 8, module.slug
        assert module.sources, module.slug
    codes = {p.code for p in tree.paths.paths}
    assert len(codes) >= 2 and "PARCOURS-INITIAL-FS" in codes
