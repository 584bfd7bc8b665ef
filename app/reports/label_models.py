"""Team-defined labels on reports, and each team member's preferences for the triage board."""
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.common.enums import LabelledEnum
from app.common.models import UTCDateTime, utcnow
from app.extensions import db


class LabelColour(LabelledEnum):
    """Illustrative colours of the DSFR palette (badge classes `fr-badge--<value>`)."""

    GREEN_TILLEUL = ("green-tilleul-verveine", "Vert tilleul")
    GREEN_BOURGEON = ("green-bourgeon", "Vert bourgeon")
    GREEN_EMERAUDE = ("green-emeraude", "Vert émeraude")
    GREEN_MENTHE = ("green-menthe", "Vert menthe")
    GREEN_ARCHIPEL = ("green-archipel", "Vert archipel")
    BLUE_ECUME = ("blue-ecume", "Bleu écume")
    BLUE_CUMULUS = ("blue-cumulus", "Bleu cumulus")
    PURPLE_GLYCINE = ("purple-glycine", "Violet glycine")
    PINK_MACARON = ("pink-macaron", "Rose macaron")
    PINK_TUILE = ("pink-tuile", "Rose tuile")
    YELLOW_TOURNESOL = ("yellow-tournesol", "Jaune tournesol")
    YELLOW_MOUTARDE = ("yellow-moutarde", "Jaune moutarde")
    ORANGE_TERRE_BATTUE = ("orange-terre-battue", "Orange terre battue")
    BROWN_CAFE_CREME = ("brown-cafe-creme", "Marron café crème")
    BROWN_CARAMEL = ("brown-caramel", "Marron caramel")
    BROWN_OPERA = ("brown-opera", "Marron opéra")
    BEIGE_GRIS_GALET = ("beige-gris-galet", "Beige gris galet")


class ReportLabel(db.Model):
    """A label a team defines for its own reports (« régression », « mobile »...)."""

    __tablename__ = "report_labels"
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_report_labels_team_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    colour: Mapped[str] = mapped_column(String(30), default=LabelColour.BLUE_ECUME.value)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    @property
    def colour_label(self):
        return LabelColour(self.colour).label


class ReportLabelLink(db.Model):
    """A label put on a report."""

    __tablename__ = "report_label_links"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("report_labels.id"), primary_key=True, index=True)


class TriagePreference(db.Model):
    """A team member's choices for the triage board (WCAG 2.1.4: single-key shortcuts can be turned off)."""

    __tablename__ = "triage_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    keyboard_shortcuts: Mapped[bool] = mapped_column(default=True)
