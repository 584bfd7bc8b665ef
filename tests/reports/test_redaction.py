"""Masking of personal identifiers: the written-first corpus, properties, tricky cases."""
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum import luhn

from app.reports.redaction import KINDS, MARKERS, RedactionResult, redact

CORPUS = yaml.safe_load((Path(__file__).parent / "redaction_corpus.yaml").read_text(encoding="utf-8"))
CASES = CORPUS["cases"]
# Numbers as a reader sees them: "12/03/2026", "1,5", "12345*07", "R-2026-000042" are one each.
NUMBER = re.compile(r"[0-9]+(?:[.,:/*\-][0-9]+)*")
PROPERTY_SETTINGS = settings(
    database=None, deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)


def expected_found(case):
    return {kind: case["found"].get(kind, 0) for kind in KINDS}


def lost_numbers(expected_text, actual_text):
    """Ordinary numbers of the expected text that the actual text no longer contains."""
    missing = Counter(NUMBER.findall(expected_text)) - Counter(NUMBER.findall(actual_text))
    return sum(missing.values())


# --- the corpus ---------------------------------------------------------------------------


def test_corpus_is_well_formed():
    assert len(CASES) >= 168  # 114 before issue 21, then 54 formatting, spelled-out and name cases
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        assert set(case["found"]) <= set(KINDS), case["id"]
        if not case["found"]:
            assert case["expected"] == case["text"], case["id"]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_corpus_case(case):
    result = redact(case["text"])
    assert result.text == case["expected"]
    assert result.found == expected_found(case)


def test_corpus_recall_and_ordinary_numbers(capsys):
    identifiers = masked = ordinary = ordinary_masked = 0
    per_kind = Counter()
    missed = Counter()
    for case in CASES:
        result = redact(case["text"])
        expected = expected_found(case)
        for kind in KINDS:
            hits = min(result.found[kind], expected[kind])
            identifiers += expected[kind]
            masked += hits
            per_kind[kind] += expected[kind]
            missed[kind] += expected[kind] - hits
        ordinary += len(NUMBER.findall(case["expected"]))
        ordinary_masked += lost_numbers(case["expected"], result.text)
    recall = masked / identifiers
    with capsys.disabled():
        print(
            f"\nredaction corpus: {len(CASES)} cases; recall on identifiers {recall:.3f} "
            f"({masked}/{identifiers}); ordinary numbers masked: {ordinary_masked} (of {ordinary})"
        )
        print("  per kind: " + ", ".join(f"{k} {per_kind[k] - missed[k]}/{per_kind[k]}" for k in KINDS))
    assert recall == 1.0
    assert ordinary_masked == 0


def test_masked_corpus_has_nothing_left_to_mask():
    for case in CASES:
        again = redact(redact(case["text"]).text)
        assert again.text == case["expected"], case["id"]
        assert again.total == 0, case["id"]


# --- result shape and arbitrary input -----------------------------------------------------


def test_result_always_has_every_kind():
    result = redact("Rien à masquer ici.")
    assert isinstance(result, RedactionResult)
    assert list(result.found) == list(KINDS)
    assert result.found == dict.fromkeys(KINDS, 0)
    assert set(MARKERS) == set(KINDS)


def test_counts_belong_to_each_result():
    first = redact("Tél. 06 71 84 29 53")
    second = redact("Rien.")
    assert first.found["phone"] == 1
    assert second.found["phone"] == 0


def test_empty_and_none():
    assert redact("") == RedactionResult("", dict.fromkeys(KINDS, 0))
    assert redact(None).text == ""


def test_non_text_is_a_programming_error():
    with pytest.raises(TypeError):
        redact(b"06 71 84 29 53")


@PROPERTY_SETTINGS
@given(st.text(max_size=3000))
def test_never_raises_on_arbitrary_text(text):
    result = redact(text)
    assert isinstance(result.text, str)
    assert list(result.found) == list(KINDS)
    assert all(isinstance(n, int) and n >= 0 for n in result.found.values())


NUMBERISH = st.text(alphabet=st.sampled_from(list("0123456789 0123456789.-+()/:@°AaBbFRZ\n")), max_size=400)


@PROPERTY_SETTINGS
@given(NUMBERISH)
def test_never_raises_on_digit_soup(text):
    result = redact(text)
    assert isinstance(result.text, str)


@PROPERTY_SETTINGS
@given(st.text(alphabet=st.characters(blacklist_characters="["), max_size=1000))
def test_one_marker_per_counted_identifier(text):
    result = redact(text)
    for kind, marker in MARKERS.items():
        assert result.text.count(marker) == result.found[kind]


@PROPERTY_SETTINGS
@given(
    st.text(
        # No digit, no at sign, and no "a"/"m" (spelled-out "arobase"/"at", civilities Mme, M., Monsieur...).
        alphabet=st.characters(blacklist_categories=("Nd", "Nl", "No"), blacklist_characters="@＠﹫AaMm"),
        max_size=1000,
    )
)
def test_text_without_digits_or_at_sign_is_unchanged(text):
    result = redact(text)
    assert result.text == text
    assert result.total == 0


# --- generated identifiers are always masked ----------------------------------------------

SEPARATORS = st.sampled_from(["", " ", ".", "-"])


@st.composite
def nirs(draw):
    sep = draw(SEPARATORS)
    month = draw(st.sampled_from([f"{m:02d}" for m in [*range(1, 13), 20, 30, 42, 50, 62, 99]]))
    department = draw(st.sampled_from(["01", "13", "2A", "2B", "33", "69", "75", "95", "97", "99"]))
    parts = [
        draw(st.sampled_from("12")),
        f"{draw(st.integers(0, 99)):02d}",
        month,
        department,
        f"{draw(st.integers(1, 999)):03d}",
        f"{draw(st.integers(1, 999)):03d}",
    ]
    if draw(st.booleans()):
        parts.append(f"{draw(st.integers(0, 99)):02d}")  # any key, right or wrong
    return sep.join(parts)


@PROPERTY_SETTINGS
@given(nirs())
def test_any_nir_is_masked(nir):
    result = redact(f"NIR de l'usager : {nir}, refusé.")
    assert result.text == "NIR de l'usager : [NIR masqué], refusé."
    assert result.found["nir"] == 1


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@PROPERTY_SETTINGS
@given(nirs(), st.sampled_from(["  ", "\t", "/", "_", ",", " / ", "\u200b", "\u00ad", " \u2060"]), st.booleans())
def test_any_nir_with_other_separators_or_full_width_digits_is_masked(nir, sep, full_width):
    """Issue 21 item 2: separators repeated or unusual, zero-width characters, full-width digits."""
    written = sep.join(nir.replace(".", " ").replace("-", " ").split(" ")) if " " in nir else nir
    if full_width:
        written = written.translate(FULL_WIDTH)
    result = redact(f"NIR de l'usager : {written}, refusé.")
    assert result.text == "NIR de l'usager : [NIR masqué], refusé."


@PROPERTY_SETTINGS
@given(st.sampled_from("03"), st.integers(0, 10**9 - 1), st.lists(st.integers(1, 12), min_size=1, max_size=5))
def test_any_grouping_of_a_tax_number_is_masked(first, rest, cuts):
    head = first + f"{rest:09d}"
    number = head + f"{int(head) % 511:03d}"
    written = " ".join(number[i:j] for i, j in zip([0, *sorted(set(cuts))], [*sorted(set(cuts)), 13], strict=True))
    result = redact(f"Numéro fiscal {written} inconnu.")
    assert result.text == "Numéro fiscal [n° fiscal masqué] inconnu."


@PROPERTY_SETTINGS
@given(st.integers(0, 10**14 - 1), st.sampled_from(["", " ", "-"]))
def test_any_visa_card_is_masked(body, sep):
    number = "4" + f"{body:014d}"
    number += luhn.calc_check_digit(number)
    written = sep.join(number[i:i + 4] for i in range(0, 16, 4))
    result = redact(f"Payé avec la carte {written}.")
    assert result.text == "Payé avec la carte [carte masquée]."


@PROPERTY_SETTINGS
@given(st.integers(0, 10**23 - 1), st.booleans())
def test_any_french_iban_is_masked(bban, spaced):
    body = f"{bban:023d}"
    number = "FR" + stdnum_iban.calc_check_digits("FR00" + body) + body
    written = " ".join(number[i:i + 4] for i in range(0, len(number), 4)) if spaced else number
    result = redact(f"Nouveau RIB : {written}.")
    assert result.text == "Nouveau RIB : [IBAN masqué]."


@PROPERTY_SETTINGS
@given(st.sampled_from("03"), st.integers(0, 10**9 - 1), st.booleans())
def test_any_tax_number_is_masked(first, rest, spaced):
    head = first + f"{rest:09d}"
    number = head + f"{int(head) % 511:03d}"
    written = " ".join([number[:2], number[2:4], number[4:7], number[7:10], number[10:]]) if spaced else number
    result = redact(f"Numéro fiscal {written} inconnu.")
    assert result.text == "Numéro fiscal [n° fiscal masqué] inconnu."


@PROPERTY_SETTINGS
@given(st.integers(1, 9), st.integers(0, 10**8 - 1), st.sampled_from([" ", ".", "-"]))
def test_any_french_phone_written_in_pairs_is_masked(prefix, rest, sep):
    digits = f"0{prefix}{rest:08d}"
    written = sep.join(digits[i:i + 2] for i in range(0, 10, 2))
    result = redact(f"Rappeler au {written} demain.")
    assert result.text == "Rappeler au [téléphone masqué] demain."


@PROPERTY_SETTINGS
@given(st.emails())
def test_any_email_is_masked(address):
    result = redact(f"Adresse : {address} ; merci.")
    assert result.text == "Adresse : [e-mail masqué] ; merci."


# --- ordinary numbers stay ----------------------------------------------------------------


@PROPERTY_SETTINGS
@given(
    st.dates(),
    st.times(),
    st.integers(0, 10**9),
    st.integers(1000, 98999),
    st.sampled_from(["%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d %m %Y"]),
)
def test_dates_times_amounts_and_postal_codes_stay(day, moment, cents, postcode, date_format):
    euros = f"{cents // 100:,}".replace(",", " ") + f",{cents % 100:02d} €"
    text = (
        f"Le {day.strftime(date_format)} à {moment.strftime('%H:%M')} ({moment.strftime('%Hh%M')}), "
        f"montant {euros}, code postal {postcode:05d}, cerfa n° {postcode:05d}*03."
    )
    assert redact(text).text == text


# --- tricky cases -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        # Corsica in lower case, and a key separated from the rest.
        ("NIR 1 85 02 2a 123 456 82.", "NIR [NIR masqué].", "nir"),
        ("NIR : 2840575123456 72 !", "NIR : [NIR masqué] !", "nir"),
        # A number just after the NIR is not part of it.
        ("NIR 2 84 05 75 123 456 72 3 enfants.", "NIR [NIR masqué] 3 enfants.", "nir"),
        # A valid SPI shaped like a NIR without key: the words before it decide the kind.
        ("Numéro fiscal 1301234567150.", "Numéro fiscal [n° fiscal masqué].", "tax_number"),
        ("Carte Vitale : 1301234567150.", "Carte Vitale : [NIR masqué].", "nir"),
        # A list after one context phrase.
        (
            "N° allocataire 4815623 et 0193827, ou 2468135.",
            "N° allocataire [n° allocataire masqué] et [n° allocataire masqué], ou [n° allocataire masqué].",
            "caf_number",
        ),
        (
            "n° allocataire de Mme X : 4815623",
            "n° allocataire de Mme X : [n° allocataire masqué]",
            "caf_number",
        ),
        # France Travail identifier with the letter forgotten, right after its name.
        (
            "Identifiant France Travail : 4827153, refusé.",
            "Identifiant France Travail : [identifiant France Travail masqué], refusé.",
            "france_travail_id",
        ),
        (
            "Inscrit à France Travail sous le numéro 4827153K.",
            "Inscrit à France Travail sous le numéro [identifiant France Travail masqué].",
            "france_travail_id",
        ),
        # Phones outside the ranges phonenumbers knows, or in an overseas region, or with slashes.
        ("Tél. 06 39 98 12 34.", "Tél. [téléphone masqué].", "phone"),
        ("Fort-de-France : 0596 61 23 45.", "Fort-de-France : [téléphone masqué].", "phone"),
        ("Tél. 06/71/84/29/53.", "Tél. [téléphone masqué].", "phone"),
        ("(06 71 84 29 53)", "([téléphone masqué])", "phone"),
        ("IBAN fr76 3000 4012 3400 0123 4567 862.", "IBAN [IBAN masqué].", "iban"),
        ("IBAN GB82 WEST 1234 5698 7654 32 chez Barclays", "IBAN [IBAN masqué] chez Barclays", "iban"),
        ("Amex 3714 496353 98431 refusée", "Amex [carte masquée] refusée", "card"),
        ("Écrire à o'neil+caf@sous.domaine.gouv.fr.", "Écrire à [e-mail masqué].", "email"),
        # No-break and narrow no-break spaces pasted from a word processor.
        ("Tél. 06\u202f71\u202f84\u202f29\u202f53.", "Tél. [téléphone masqué].", "phone"),
        ("NIR 2\u00a084\u00a005\u00a075\u00a0123\u00a0456\u00a072", "NIR [NIR masqué]", "nir"),
        ("IBAN FR76\u202f3000\u202f4012\u202f3400\u202f0123\u202f4567\u202f862", "IBAN [IBAN masqué]", "iban"),
        # The nearest context words decide the kind.
        (
            "N° CAF inconnu et identifiant Pôle emploi 4827153K.",
            "N° CAF inconnu et identifiant Pôle emploi [identifiant France Travail masqué].",
            "france_travail_id",
        ),
    ],
)
def test_tricky_identifiers(text, expected, kind):
    result = redact(text)
    assert result.text == expected
    assert result.total == result.found[kind] >= 1


@pytest.mark.parametrize(
    "text",
    [
        "IBAN FR76 3000 4012 3400 0123 4567 863 (clé fausse).",
        "Numéro de commande 4970101234567890.",
        "France Travail a traité 4827153 dossiers en 2025.",
        "Référence 4521873K du courrier.",
        "Matricule 4815623 du ticket.",
        "Appeler le 3949, le 39 39 ou le 115.",
        "SIRET 123 456 789 00012, SIREN 123456789.",
        "Code-barres 0312345678901.",
        "Horodatage 2026-03-12T09:45:12+01:00, version 4.12.3.",
        "Poste 4512, bureau 12, 3 usagers, 1 234,56 €.",
        "Lien https://www.caf.fr/allocataires/mes-services?id=4815623",
        "Contact : jean@localhost (pas de domaine).",
    ],
)
def test_ordinary_text_stays(text):
    result = redact(text)
    assert result.text == text
    assert result.total == 0
