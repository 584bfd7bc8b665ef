"""How long a module takes, split honestly: self-study online versus group activities with a trainer.

A module's declared duration counts its lessons, its quiz and the face-to-face activities of the trainer's
kit (role-plays, case studies). A learner who reads and takes the quiz alone has done the self-study part
only, and that is what the pages, the attestation and HR figures must credit.
"""


def self_study_minutes(duration_minutes, activities_minutes):
    """The minutes of a module done alone (the duration less its group activities, never below 0)."""
    return max(0, (duration_minutes or 0) - (activities_minutes or 0))


def minutes_label(minutes):
    """« 25 min », « 1 h », « 1 h 40 »: a duration as French readers write it."""
    hours, rest = divmod(int(minutes or 0), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"
