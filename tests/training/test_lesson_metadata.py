"""Lesson front matter: stripped from the body, review date and reviewer shown, pending verification notice."""
from app.training.curricula.importer import import_curricula
from app.training.models import Lesson


def test_lesson_page_shows_review_metadata_and_pending_notice(client, login, fixture_tree, db):
    lesson_file = fixture_tree / "modules" / "accueil-base" / "lessons" / "02-ecouter.md"
    text = lesson_file.read_text(encoding="utf-8")
    lesson_file.write_text(text.replace('reviewed_by: "formateur de test"\n',
                                        'reviewed_by: "référent accueil"\nverification: pending\n', 1),
                           encoding="utf-8")
    import_curricula(fixture_tree)
    bodies = dict(db.session.execute(db.select(Lesson.slug, Lesson.body_markdown)).all())
    assert bodies["bonjour"].startswith("## ") and "reviewed_by" not in bodies["ecouter"]
    pending = db.session.scalar(db.select(Lesson).where(Lesson.slug == "ecouter"))
    assert (str(pending.updated_on), pending.reviewed_by, pending.verification_pending) == (
        "2026-11-30", "référent accueil", True)

    login()
    first = client.get("/formation/modules/accueil-base/lecons/bonjour").get_data(as_text=True)
    assert "Mise à jour le 30/11/2026 · Relue par : formateur de test" in first
    assert "en cours de vérification" not in first
    second = client.get("/formation/modules/accueil-base/lecons/ecouter").get_data(as_text=True)
    assert "Relue par : référent accueil" in second
    assert 'class="fr-notice fr-notice--info' in second and "Contenu en cours de vérification" in second
    assert "verification: pending" not in second and "---" not in second.split('<article class="pas-lesson">')[1]
