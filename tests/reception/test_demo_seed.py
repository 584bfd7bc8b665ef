"""`flask seed demo`: three months of desk log for FS-DEMO and CAF-DEMO, ~60 answers, reseau.69."""
from datetime import timedelta

from app.common.timezones import utcnow
from app.extensions import db
from app.reception.models import Answer, NetworkDepartment, Visit


def test_demo_seed_fills_the_reception_domain(app, client):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "reseau.69@passerelle.example" in result.output and "manager_network" in result.output
    rows = db.session.execute(db.select(Visit.organisation_id, db.func.count(), db.func.min(Visit.visited_on),
                                        db.func.max(Visit.visited_on)).group_by(Visit.organisation_id)).all()
    assert len(rows) == 2
    today = utcnow().date()
    for _org, count, first, last in rows:
        assert count > 300 and (today - first) >= timedelta(days=85) and last < today
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 60
    assert db.session.scalar(db.select(NetworkDepartment.department)) == "69"
    response = client.post("/connexion", data={"email": "reseau.69@passerelle.example",
                                               "password": "passerelle-demo"})
    assert response.status_code == 302
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "CAF de démonstration" in home and "France services de démonstration" in home
    page = client.get("/qualite/departement/69").get_data(as_text=True)
    assert "Département 69" in page
    assert 'href="/qualite/structure/FS-DEMO?periode=' in page and ">France services de démonstration</a>" in page
    again = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert again.exit_code == 0 and db.session.scalar(db.select(db.func.count(Answer.id))) == 60
