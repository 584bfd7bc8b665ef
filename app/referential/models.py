"""The job reference (activities, competencies, level descriptors), job profiles, certifications."""
from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import LabelledEnum
from app.extensions import db


class CompetencyKind(LabelledEnum):
    SAVOIR_FAIRE = ("savoir_faire", "Savoir-faire")
    SAVOIR_ETRE = ("savoir_etre", "Savoir-être")
    SAVOIR = ("savoir", "Savoir")


class Referential(db.Model):
    __tablename__ = "referentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(20))
    published_on = mapped_column(Date, nullable=False)
    sources = mapped_column(JSON, default=list)

    activities = relationship("Activity", back_populates="referential", order_by="Activity.position")


class ScaleLevel(db.Model):
    __tablename__ = "scale_levels"

    level: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)


class Activity(db.Model):
    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    referential_id: Mapped[int] = mapped_column(ForeignKey("referentials.id"), index=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    referential = relationship(Referential, back_populates="activities")
    competencies = relationship("Competency", back_populates="activity", order_by="Competency.position")


class Competency(db.Model):
    __tablename__ = "competencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)

    activity = relationship(Activity, back_populates="competencies")
    levels = relationship("LevelDescriptor", back_populates="competency", order_by="LevelDescriptor.level")

    @property
    def kind_label(self):
        return CompetencyKind(self.kind).label


class LevelDescriptor(db.Model):
    __tablename__ = "level_descriptors"
    __table_args__ = (UniqueConstraint("competency_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)

    competency = relationship(Competency, back_populates="levels")


class JobProfile(db.Model):
    __tablename__ = "job_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    rome_codes = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    requirements = relationship(
        "ProfileRequirement", back_populates="profile", order_by="ProfileRequirement.position"
    )


class ProfileRequirement(db.Model):
    __tablename__ = "profile_requirements"
    __table_args__ = (UniqueConstraint("profile_id", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("job_profiles.id"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)

    profile = relationship(JobProfile, back_populates="requirements")
    competency = relationship(Competency)


class Certification(db.Model):
    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    rncp: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column()
    certifier: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    blocks = relationship("CertificationBlock", back_populates="certification",
                          order_by="CertificationBlock.position")


block_competencies = db.Table(
    "certification_block_competencies",
    db.Column("block_id", ForeignKey("certification_blocks.id"), primary_key=True),
    db.Column("competency_id", ForeignKey("competencies.id"), primary_key=True),
)


class CertificationBlock(db.Model):
    __tablename__ = "certification_blocks"
    __table_args__ = (UniqueConstraint("certification_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    certification = relationship(Certification, back_populates="blocks")
    competencies = relationship(Competency, secondary=block_competencies, order_by=Competency.code)
