"""The indicators as lines (CSV and PDF share them): small numbers written as words, never figures."""
HEADER = ["Périmètre", "Période", "Indicateur", "Valeur"]


def percent(value):
    return "—" if value is None else f"{value:.1f} %".replace(".", ",")


def signed(value):
    """Net satisfaction in points; a typographic minus, which no spreadsheet reads as a formula."""
    return "—" if value is None else f"{value:.1f} pts".replace("-", "\u2212").replace(".", ",")


def indicator_lines(ind):
    """[(label, text)] of one scope and period, in reading order."""
    lines = [("Accompagnements", str(ind.visits))]
    lines += [(f"Canal : {label}", str(n)) for label, n in ind.by_channel]
    lines += [(f"Opérateur : {label}", str(n)) for label, n in ind.by_operator]
    lines += [
        ("Résolus sur place", percent(ind.resolved_share)),
        ("Orientés vers un partenaire", percent(ind.referred_share)),
        ("Appui expert demandé", percent(ind.escalated_share)),
        ("Attente de plus de 15 min", percent(ind.long_wait_share)),
        ("Réponses des usagers", ind.small_number_text if ind.answers_protected else str(ind.answers)),
    ]
    for label, score in ind.scores + [("Ensemble des questions", ind.overall)]:
        if score.protected:
            lines.append((f"Satisfaction — {label}", ind.small_number_text))
            lines.append((f"Satisfaction nette — {label}", ind.small_number_text))
        else:
            lines.append((f"Satisfaction — {label}", percent(score.satisfied)))
            lines.append((f"Satisfaction nette — {label}", signed(score.net)))
    lines += [
        ("Délai de première réponse de l'appui expert",
         "non disponible" if ind.support_hours is None else f"{ind.support_hours} h".replace(".", ",")),
        ("Problèmes de services en ligne signalés par les agents", str(ind.agent_reports)),
        ("Problèmes de services en ligne signalés par les usagers", str(ind.citizen_problems)),
    ]
    return lines


def rows(ind):
    for label, value in indicator_lines(ind):
        yield [ind.scope_label, ind.period.label, label, value]
