"""The kinds of identifier the engine masks, their markers, and what `redact` returns."""
from dataclasses import dataclass, field

KINDS = (
    "nir",
    "caf_number",
    "tax_number",
    "france_travail_id",
    "iban",
    "card",
    "phone",
    "email",
    "name",
)

MARKERS = {
    "nir": "[NIR masqué]",
    "caf_number": "[n° allocataire masqué]",
    "tax_number": "[n° fiscal masqué]",
    "france_travail_id": "[identifiant France Travail masqué]",
    "iban": "[IBAN masqué]",
    "card": "[carte masquée]",
    "phone": "[téléphone masqué]",
    "email": "[e-mail masqué]",
    "name": "[nom masqué]",
}


@dataclass(frozen=True)
class RedactionResult:
    """The masked text and, per kind of identifier, how many were masked."""

    text: str
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def total(self):
        return sum(self.found.values())
