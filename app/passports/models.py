"""The skills passport: entries, their evidence log and files, shares, VAE candidacies."""
from datetime import date

from sqlalchemy import FetchedValue, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import LabelledEnum
from app.common.models import UTCDateTime, utcnow
from app.extensions import db


class EntrySource(LabelledEnum):
    TRAINING = ("training", "Formation")
    EXPERIENCE = ("experience", "Expérience")
    OBSERVATION = ("observation", "Observation en situation")
    CERTIFICATION = ("certification", "Certification / VAE")
    CONTRIBUTION = ("contribution", "Contribution vérifiée")


class EntryStatus(LabelledEnum):
    DRAFT = ("draft", "Brouillon")
    SUBMITTED = ("submitted", "Soumise")
    VALIDATED = ("validated", "Validée")
    REJECTED = ("rejected", "Refusée")
    CHANGES_REQUESTED = ("changes_requested", "Modifications demandées")
    REVOKED = ("revoked", "Révoquée")


class Provenance(LabelledEnum):
    GUARANTEED = ("guaranteed", "Garantie")
    DECLARED = ("declared", "Déclarée")


def provenance_of(status, source):
    """Guaranteed: validated by HR, acquired by a training or a certification, or a contribution the platform
    holds the facts of (unless revoked)."""
    if status == EntryStatus.VALIDATED or (
        source in (EntrySource.TRAINING, EntrySource.CERTIFICATION, EntrySource.CONTRIBUTION)
        and status != EntryStatus.REVOKED
    ):
        return Provenance.GUARANTEED.value
    return Provenance.DECLARED.value


class EntryLabels:
    """What a passport line shows from its status, source and validity: shared by the model and the
    plain rows of the holder's page (app.passports.my_passport.PassportLine)."""

    __slots__ = ()

    @property
    def provenance(self):
        return provenance_of(self.status, self.source)

    @property
    def provenance_label(self):
        return Provenance(self.provenance).label

    @property
    def status_label(self):
        return EntryStatus(self.status).label

    @property
    def source_label(self):
        return EntrySource(self.source).label

    def is_expired(self, today=None):
        return self.valid_until is not None and self.valid_until < (today or date.today())

    @property
    def expired(self):
        return self.is_expired()


class PassportEntry(EntryLabels, db.Model):
    """One competency at one level in an agent's passport, and how we know it."""

    __tablename__ = "passport_entries"
    # The HR validation queue reads, per organisation, the waiting entries of its own agents in submission order
    # (app.passports.scope): partial indexes hold only submitted entries, led by the organisation the entry went
    # to and the holder's organisation, so that the queue's capped count is read from an index alone.
    __table_args__ = (
        Index("ix_passport_entries_queue_submitted_to", "submitted_to_org_id", "holder_organisation_id",
              "submitted_at", "id",
              postgresql_where=text("status = 'submitted'"), sqlite_where=text("status = 'submitted'")),
        Index("ix_passport_entries_queue_validated_by", "validated_by_org_id", "holder_organisation_id",
              "submitted_at", "id",
              postgresql_where=text("status = 'submitted' AND validated_by_org_id IS NOT NULL"),
              sqlite_where=text("status = 'submitted' AND validated_by_org_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The holder's current organisation, copied by the database's triggers (on insert, and when the user moves;
    # migration b5d9e3a7c142): never written by the application, read in SQL by the HR scope.
    holder_organisation_id: Mapped[int | None] = mapped_column(server_default=FetchedValue(),
                                                               server_onupdate=FetchedValue())
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str | None] = mapped_column(Text)  # real situations (experience, observation)
    # Where the entry comes from, when it is not the holder's own declaration.
    module_version_id: Mapped[int | None] = mapped_column(ForeignKey("module_versions.id"))
    certification_id: Mapped[int | None] = mapped_column(ForeignKey("certifications.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # HR for observations
    # An observation made with a grid (app.training): the grid as filled is the entry's evidence.
    observation_id: Mapped[int | None] = mapped_column(ForeignKey("training_observations.id"))
    # The organisation that submitted / validated it: validations keep its name when the agent moves.
    submitted_to_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    validated_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    validated_at = mapped_column(UTCDateTime())
    valid_until = mapped_column(db.Date)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at = mapped_column(UTCDateTime(), index=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)
    # Optimistic concurrency: a decision names the version it saw.
    version: Mapped[int] = mapped_column(default=1, nullable=False)

    holder = relationship("User", foreign_keys=[holder_id])
    competency = relationship("Competency")
    validated_by = relationship("User", foreign_keys=[validated_by_id])
    validated_by_org = relationship("Organisation", foreign_keys=[validated_by_org_id])
    submitted_to_org = relationship("Organisation", foreign_keys=[submitted_to_org_id])
    module_version = relationship("ModuleVersion")
    certification = relationship("Certification")
    observation = relationship("Observation")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    log = relationship("EvidenceLog", back_populates="entry", order_by="EvidenceLog.id")
    files = relationship("EvidenceFile", back_populates="entry", order_by="EvidenceFile.id")


    def can_edit(self, user):
        """The holder edits their own draft or an entry sent back for changes."""
        return user.id == self.holder_id and self.status in (EntryStatus.DRAFT, EntryStatus.CHANGES_REQUESTED)

    def can_decide(self, user):
        """HR of the holder's current organisation decide submitted entries, never their own."""
        return (
            user.role == "hr"
            and user.id != self.holder_id
            and user.organisation_id is not None
            and self.holder is not None
            and self.holder.organisation_id == user.organisation_id
        )

    def can_revoke(self, user):
        """HR revoke a validation their own organisation made (a validation elsewhere keeps its name)."""
        return (
            self.can_decide(user)
            and self.status == EntryStatus.VALIDATED
            and self.validated_by_org_id == user.organisation_id
        )

    def can_renew(self, user, today=None, notice_days=60):
        """The holder renews a validated entry that has expired or expires within the notice period."""
        today = today or date.today()
        return (
            user.id == self.holder_id
            and self.status == EntryStatus.VALIDATED
            and self.valid_until is not None
            and (self.valid_until - today).days <= notice_days
        )


class EvidenceLog(db.Model):
    """Append-only log of what happened to an entry (who, what, when, note)."""

    __tablename__ = "evidence_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("passport_entries.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    entry = relationship(PassportEntry, back_populates="log")
    actor = relationship("User")

    @property
    def action_label(self):
        return LOG_ACTIONS.get(self.action, self.action)


# What each evidence log action means, in French (log rows keep the English action).
LOG_ACTIONS = {
    "created": "Ligne déclarée",
    "edited": "Ligne modifiée",
    "file_added": "Pièce justificative ajoutée",
    "submitted": "Soumise à la validation",
    "validated": "Validée",
    "rejected": "Refusée",
    "changes_requested": "Modifications demandées",
    "revoked": "Validation révoquée",
    "observed": "Observation en situation enregistrée",
    "training_completed": "Acquise par la formation",
    "renewal_started": "Renouvellement demandé",
    "renewal_of": "Renouvellement d'une ligne échue",
    "expiry_reminder": "Rappel d'échéance envoyé",
    "contribution_added": "Ajoutée depuis des contributions vérifiées",
}


class ContributionKind(LabelledEnum):
    CONSULTATION = ("consultation", "Consultation d'une équipe terminée")
    REPORT_QUALIFIED = ("report_qualified", "Remontée qualifiée par l'équipe du service")
    FIX_VERIFIED = ("fix_verified", "Correction vérifiée après votre remontée")


class ContributionOffer(db.Model):
    """A verified contribution (learnt through a signal) that the holder may add to their passport as a line."""

    __tablename__ = "passport_contribution_offers"
    __table_args__ = (UniqueConstraint("holder_id", "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    competency_code: Mapped[str] = mapped_column(String(10))
    level: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    source_key: Mapped[str] = mapped_column(String(60))  # "consultation:12", "report_qualified:34": once each
    reference: Mapped[str] = mapped_column(String(60))  # what the holder and a reader can check
    label: Mapped[str] = mapped_column(String(300))
    occurred_at = mapped_column(UTCDateTime(), nullable=False)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("passport_entries.id"))  # set once added
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    @property
    def kind_label(self):
        return ContributionKind(self.kind).label


class EvidenceLogIsAppendOnly(Exception):
    pass


@event.listens_for(EvidenceLog, "before_update")
def _refuse_log_update(mapper, connection, target):
    raise EvidenceLogIsAppendOnly("the evidence log is append-only")


class EvidenceFile(db.Model):
    """A PDF, PNG or JPEG attached to an entry, stored outside the static folder."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("passport_entries.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    entry = relationship(PassportEntry, back_populates="files")


class PassportShare(db.Model):
    """The holder's consent for an organisation's HR to see their whole passport."""

    __tablename__ = "passport_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    withdrawn_at = mapped_column(UTCDateTime())

    organisation = relationship("Organisation")


class VerificationLinks(db.Model):
    """The holder's control over the verification links of their passport documents (/verify/<token>).

    A document's link names the generation it was made in: withdrawing or renewing the links moves to
    the next generation, and every link made before stops working. No row: generation 0, links active.
    """

    __tablename__ = "passport_verification_links"

    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    generation: Mapped[int] = mapped_column(default=0, nullable=False)
    withdrawn_at = mapped_column(UTCDateTime())  # set while the holder keeps no link active
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)


class VaeStatus(LabelledEnum):
    PROJECT = ("project", "Projet")
    FEASIBILITY_SENT = ("feasibility_sent", "Dossier de faisabilité envoyé")
    ADMISSIBLE = ("admissible", "Recevable")
    NOT_ADMISSIBLE = ("not_admissible", "Non recevable")
    VALIDATION_SENT = ("validation_sent", "Dossier de validation envoyé")
    JURY_FULL = ("jury_full", "Jury : validation totale")
    JURY_PARTIAL = ("jury_partial", "Jury : validation partielle")
    JURY_NONE = ("jury_none", "Jury : aucune validation")


class VaeCandidacy(db.Model):
    __tablename__ = "vae_candidacies"
    __table_args__ = (UniqueConstraint("holder_id", "certification_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id"))
    status: Mapped[str] = mapped_column(String(30), default=VaeStatus.PROJECT.value)
    validated_block_codes = mapped_column(db.JSON, default=list)  # after a jury
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)

    certification = relationship("Certification")
    statements = relationship("VaeStatement", back_populates="candidacy")

    @property
    def status_label(self):
        return VaeStatus(self.status).label


class VaeStatement(db.Model):
    """The candidate's account of the experience that shows one competency."""

    __tablename__ = "vae_statements"
    __table_args__ = (UniqueConstraint("candidacy_id", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("vae_candidacies.id"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)

    candidacy = relationship(VaeCandidacy, back_populates="statements")
    competency = relationship("Competency")
