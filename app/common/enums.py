"""Helpers for enums with English values and French labels."""
from enum import StrEnum

from wtforms.fields.choices import SelectChoice


class LabelledEnum(StrEnum):
    """A string enum whose members carry a French label: Member = ("value", "Libellé")."""

    def __new__(cls, value, label):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def choices(cls):
        """Options for a WTForms SelectField."""
        return [SelectChoice(m.value, m.label) for m in cls]

    @classmethod
    def values(cls):
        return [m.value for m in cls]
