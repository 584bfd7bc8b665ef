"""The catalogue data file: validated like the curricula, imported all or nothing, idempotently."""
import textwrap

from app.accounts.models import Team
from app.audit.models import AuditLog
from app.reports.catalog import DEFAULT_FILE, CatalogInvalid, import_catalog, load
from app.reports.models import Application, Operator, Procedure, Step

VALID = """\
version: "1"
teams:
  - {code: TEAM-X, name: Équipe X}
operators:
  - code: OP-X
    name: Opérateur X
    applications:
      - code: service-x
        name: Service X
        url: https://x.example.gouv.fr
        team: TEAM-X
        acknowledge_days: 2
        procedures:
          - code: demande
            title: Faire une demande
            steps:
              - {code: identite, title: Identité}
              - {code: envoi, title: Envoi}
          - code: suivi
            title: Suivre sa demande
"""


def _write(tmp_path, text, name="catalog.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _counts(db):
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(m)) for m in
                 (Team, Operator, Application, Procedure, Step))


def test_shipped_catalogue_is_valid_and_holds_the_real_services(db):
    data = load(DEFAULT_FILE)
    codes = {a["code"]: a for o in data["operators"] for a in o["applications"]}
    for code in ("caf-fr", "ameli", "impots", "ants-identite", "ants-permis", "ants-immatriculation",
                 "francetravail", "lassuranceretraite", "info-retraite", "msa", "urssaf", "franceconnect",
                 "aidants-connect", "administration-plus", "service-public", "maprimerenov", "vae"):
        assert code in codes, code
    assert codes["caf-fr"]["team"] == "TEAM-CAF" and codes["ants-permis"]["team"] == "TEAM-ANTS"
    assert all(a["procedures"] for a in codes.values())
    assert sum(len(a["procedures"]) for a in codes.values()) > 50


def test_import_is_idempotent(app, db):
    first = import_catalog()
    assert first.has_changes and first.created["applications"] >= 17
    counts = _counts(db)
    audits = db.session.scalar(db.select(db.func.count(AuditLog.id)))
    second = import_catalog()
    assert not second.has_changes
    assert _counts(db) == counts
    assert db.session.scalar(db.select(db.func.count(AuditLog.id))) == audits
    caf = db.session.scalar(db.select(Application).where(Application.code == "caf-fr"))
    assert caf.team.code == "TEAM-CAF" and caf.operator.code == "CNAF"


def test_removed_entries_are_deactivated_and_changes_applied(tmp_path, db):
    import_catalog(_write(tmp_path, VALID))
    smaller = VALID.replace("""          - code: suivi
            title: Suivre sa demande
""", "").replace("title: Faire une demande", "title: Faire une demande en ligne")
    report = import_catalog(_write(tmp_path, smaller, "v2.yaml"))
    assert report.deactivated == 1 and report.updated == 1
    suivi = db.session.scalar(db.select(Procedure).where(Procedure.code == "suivi"))
    assert suivi is not None and not suivi.is_active
    app = db.session.scalar(db.select(Application).where(Application.code == "service-x"))
    assert app.acknowledge_days == 2 and app.answer_days == 10


def test_invalid_file_lists_every_problem_with_its_line_and_imports_nothing(tmp_path, db):
    broken = VALID.replace("code: service-x", "code: Service X").replace("team: TEAM-X", "team: TEAM-Y") \
        .replace("acknowledge_days: 2", "acknowledge_days: 200").replace("url: https://x", "url: http://x") \
        .replace("title: Suivre sa demande", "title: Suivre sa demande\n            colour: rouge")
    path = _write(tmp_path, broken)
    try:
        load(path)
    except CatalogInvalid as exc:
        messages = [str(p) for p in exc.problems]
    else:
        raise AssertionError("the catalogue should be refused")
    assert f"{path}:8: Application : code « Service X » invalide (minuscules, chiffres et tirets, par exemple caf-fr)." in messages
    assert f"{path}:10: Application Service X : l'adresse doit commencer par https://." in messages
    assert f"{path}:11: Application Service X : l'équipe TEAM-Y n'est pas déclarée dans « teams »." in messages
    assert any(m.startswith(f"{path}:12:") and "entre 1 et 90" in m for m in messages)
    assert any(m == f"{path}:21: Démarche : clé inconnue « colour »." in m for m in messages)
    before = _counts(db)
    result = None
    try:
        result = import_catalog(path)
    except CatalogInvalid:
        pass
    assert result is None and _counts(db) == before


def test_yaml_errors_and_duplicates(tmp_path):
    path = _write(tmp_path, "version: 1\nteams: [\n")
    try:
        load(path)
    except CatalogInvalid as exc:
        assert exc.problems[0].message.startswith("YAML invalide")
    dup = _write(tmp_path, VALID.replace("  - {code: TEAM-X, name: Équipe X}",
                                         "  - {code: TEAM-X, name: Équipe X}\n  - {code: TEAM-X, name: Autre}"), "d.yaml")
    try:
        load(dup)
    except CatalogInvalid as exc:
        assert [str(p) for p in exc.problems] == [f"{dup}:4: Équipe : le code TEAM-X est déjà utilisé."]


def test_cli(app, tmp_path, db):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["catalog", "import", str(_write(tmp_path, VALID))])
    assert ok.exit_code == 0 and "Import terminé : créés 1 équipe(s), 1 opérateur(s)" in ok.output
    again = runner.invoke(args=["catalog", "import", str(tmp_path / "catalog.yaml")])
    assert again.exit_code == 0 and "rien n'a changé" in again.output
    bad = runner.invoke(args=["catalog", "import", str(_write(tmp_path, "version: 1\n", "bad.yaml"))])
    assert bad.exit_code == 1
    assert f"{tmp_path / 'bad.yaml'}:1: Catalogue : la clé « teams » est obligatoire." in bad.output
    assert "rien n'a été importé" in bad.output
    assert runner.invoke(args=["catalog", "validate"]).exit_code == 0
    missing = runner.invoke(args=["catalog", "import", str(tmp_path / "absent.yaml")])
    assert missing.exit_code == 1 and "introuvable" in missing.output
