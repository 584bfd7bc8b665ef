"""Hooks other domains fill: reception never imports them.

The back-office (Appui expert) domain registers a function giving the first-answer time of a set
of organisations' support requests; without one, the indicator says « non disponible ».
"""
_SUPPORT_TIME_PROVIDERS = []


def register_support_time_provider(provider):
    """provider(organisation_ids or None for all, start date, end date) -> hours (float) or None."""
    if provider not in _SUPPORT_TIME_PROVIDERS:
        _SUPPORT_TIME_PROVIDERS.append(provider)


def support_first_answer_hours(organisation_ids, start, end):
    for provider in _SUPPORT_TIME_PROVIDERS:
        hours = provider(organisation_ids, start, end)
        if hours is not None:
            return round(float(hours), 1)
    return None
