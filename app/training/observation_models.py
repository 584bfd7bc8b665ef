"""Observation grids (imported from curricula/grids), the tutor capability, and observations made with a grid."""
from sqlalchemy import JSON, Date, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import LabelledEnum
from app.common.models import UTCDateTime, utcnow
from app.extensions import db


class ObservationContext(LabelledEnum):
    ROLE_PLAY = ("role_play", "Mise en situation (jeu de rôle)")
    DESK = ("desk", "À l'accueil, en situation réelle")


class ObserverRole(LabelledEnum):
    HR = ("hr", "Ressources humaines")
    TUTOR = ("tutor", "Tuteur ou tutrice")


class ObservationGrid(db.Model):
    """The grid of one competency; `version` grows when `flask curricula import` finds new behaviours."""

    __tablename__ = "observation_grids"

    id: Mapped[int] = mapped_column(primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)

    competency = relationship("Competency")
    behaviours = relationship("ObservationBehaviour", cascade="all, delete-orphan",
                              order_by=lambda: [ObservationBehaviour.level, ObservationBehaviour.position])

    def by_level(self):
        """{level: [behaviour text]} in file order."""
        levels = {}
        for behaviour in self.behaviours:
            levels.setdefault(behaviour.level, []).append(behaviour.text)
        return levels


class ObservationBehaviour(db.Model):
    __tablename__ = "observation_behaviours"
    __table_args__ = (UniqueConstraint("grid_id", "level", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("observation_grids.id"), index=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    position: Mapped[int] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(String(300))


class TutorCapability(db.Model):
    """The tutor capability HR grant to an agent of their organisation (the account stays an agent's)."""

    __tablename__ = "training_tutors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    user = relationship("User", foreign_keys=[user_id])


class Observation(db.Model):
    """A grid filled by a tutor or HR for an agent of their organisation, and the level confirmed."""

    __tablename__ = "training_observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    observer_role: Mapped[str] = mapped_column(String(10))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"))
    grid_version: Mapped[int] = mapped_column()
    context: Mapped[str] = mapped_column(String(20))
    observed_on = mapped_column(Date, nullable=False)
    # The grid as filled: {"levels": [{"level", "label", "required", "observed", "reached",
    # "behaviours": [{"text", "observed"}]}]}; kept as evidence even when the grid changes later.
    snapshot = mapped_column(JSON, nullable=False)
    level: Mapped[int] = mapped_column(SmallInteger)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    agent = relationship("User", foreign_keys=[agent_id])
    observer = relationship("User", foreign_keys=[observer_id])
    competency = relationship("Competency")
    organisation = relationship("Organisation")

    @property
    def context_label(self):
        return ObservationContext(self.context).label

    @property
    def observer_role_label(self):
        return ObserverRole(self.observer_role).label
