"""`flask seed demo` and `flask seed scale` additions of working conditions."""
import re

from app.accounts.models import find_user_by_email
from app.extensions import db
from app.workplace.models import (
    BarometerAnswer,
    BarometerCampaign,
    ChecklistAction,
    Incident,
    StaffRepMandate,
)


def test_demo_adds_incidents_checklist_barometers_and_rep_fs(app, client):
    from app.seed import seed_demo

    seed_demo()
    seed_demo()  # idempotent
    rep = find_user_by_email("rep.fs@passerelle.example")
    assert rep.role == "agent" and rep.organisation.code == "FS-DEMO"
    assert db.session.scalar(db.select(db.func.count()).select_from(StaffRepMandate)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Incident)) == 5
    assert db.session.scalar(db.select(db.func.count()).select_from(ChecklistAction)) == 3
    campaigns = db.session.scalars(db.select(BarometerCampaign).order_by(BarometerCampaign.id)).all()
    assert [c.status for c in campaigns] == ["closed", "open"]
    assert db.session.scalar(db.select(db.func.count()).select_from(BarometerAnswer)) == 9
    client.post("/connexion", data={"email": rep.email, "password": "passerelle-demo"})
    page = client.get(f"/conditions-de-travail/barometre/{campaigns[0].id}/resultats").get_data(as_text=True)
    assert "<td>9</td>" in page and re.search(r"\b\d,\d\b", page)
    assert client.get(f"/conditions-de-travail/indicateurs?trimestre={campaigns[0].quarter}").status_code == 200


def test_scale_adds_incidents_and_barometer_answers(app):
    from app.scale.seed import scaled, seed_scale

    summary = seed_scale(app.config, scaled(0.002))
    assert summary.counts["incidents"] == db.session.scalar(db.select(db.func.count()).select_from(Incident)) > 0
    assert summary.counts["barometer_answers"] == db.session.scalar(
        db.select(db.func.count()).select_from(BarometerAnswer)) > 0
    assert db.session.scalar(db.select(db.func.count()).select_from(BarometerCampaign)
                             .where(BarometerCampaign.status == "closed")) == 4
