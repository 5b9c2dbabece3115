"""Comparison levels: how far two values of one field agree, from the strongest agreement to none.

Each field's comparison returns the first level that holds, or `MISSING` when either side has no value (a
missing value is no evidence either way: its weight is 0). The model (`model.py`) gives every level a weight
log2(m / u), m being how often the level occurs between two records of one learner and u between two
different learners, both estimated from the register itself (`training.py`).

>>> compare_given("Katherine", "Kathryn")
'nickname'
>>> compare_family("Smith", None, "Smyht", None)
'one edit'
>>> compare_dates(date(2008, 3, 4), date(2008, 4, 3))
'day and month swapped'
>>> compare_postcodes("CV4 9EE", "CV4 7AL")
'same district'
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import OSA, DamerauLevenshtein, JaroWinkler

from ..names import (
    are_nicknames,
    nickname_variants,
    normalise_name,
    normalise_postcode,
    phonetic_key,
    postcode_units,
    significant_parts,
)

MISSING = "missing"
DIFFERENT = "different"

# Name levels, strongest first. Previous family name and nickname apply to one of the two name fields only.
EXACT = "exact"
NORMALISED = "normalised"
NICKNAME = "nickname"
MIDDLE = "middle name"
PREVIOUS = "previous family name"
EDIT_1 = "one edit"
PART = "shares a part"
EDIT_2 = "two edits"
JARO_WINKLER_92 = "Jaro-Winkler 0.92"
PHONETIC = "sounds alike"
NICKNAME_EDIT = "misspelt nickname"
JARO_WINKLER_80 = "Jaro-Winkler 0.80"
INITIAL = "initial"

GIVEN_LEVELS = (EXACT, NORMALISED, NICKNAME, MIDDLE, EDIT_1, PART, EDIT_2, JARO_WINKLER_92, PHONETIC, NICKNAME_EDIT,
                JARO_WINKLER_80, INITIAL, DIFFERENT)  # fmt: skip
FAMILY_LEVELS = (EXACT, NORMALISED, PREVIOUS, EDIT_1, PART, EDIT_2, JARO_WINKLER_92, PHONETIC, JARO_WINKLER_80,
                 INITIAL, DIFFERENT)  # fmt: skip
# Levels at which two names are alike enough to be one person's; below them, a name tells two people apart.
WEAK_NAME_LEVELS = frozenset({JARO_WINKLER_80, INITIAL, DIFFERENT})

# Date of birth levels.
SWAPPED = "day and month swapped"
TRANSPOSED = "two digits transposed"
ONE_DIGIT = "one digit"
YEAR_MONTH = "same year and month"
WITHIN_YEAR = "within a year"
DATE_LEVELS = (EXACT, SWAPPED, TRANSPOSED, ONE_DIGIT, YEAR_MONTH, WITHIN_YEAR, DIFFERENT)

# Gender.
EQUAL = "equal"
NOT_KNOWN = "not known on one side"
GENDER_LEVELS = (EQUAL, NOT_KNOWN, DIFFERENT)
UNKNOWN_GENDERS = frozenset({0, 9})

# Postcode.
ONE_CHARACTER = "one character"
SECTOR = "same sector"
DISTRICT = "same district"
AREA = "same area"
POSTCODE_LEVELS = (EXACT, ONE_CHARACTER, SECTOR, DISTRICT, AREA, DIFFERENT)
# The LRS takes ZZ99 3CZ for "not known"; the whole ZZ99 pseudo-area stands for unknown or no fixed abode
# (ZZ99 3VZ, ZZ99 3GZ, ...): no evidence of where a learner lives.
UNKNOWN_POSTCODE_AREA = "ZZ99"

# Address line and town.
SIMILAR = "similar"
ADDRESS_LEVELS = (EXACT, SIMILAR, DIFFERENT)
TOWN_LEVELS = (EXACT, DIFFERENT)
MIDDLE_LEVELS = (EXACT, SIMILAR, DIFFERENT)

LEVELS = {
    "given_name": GIVEN_LEVELS,
    "family_name": FAMILY_LEVELS,
    "date_of_birth": DATE_LEVELS,
    "gender": GENDER_LEVELS,
    "postcode": POSTCODE_LEVELS,
    "address_line": ADDRESS_LEVELS,
    "town": TOWN_LEVELS,
    "middle_name": MIDDLE_LEVELS,
}
# Levels whose weight is adjusted for how common the value is (a match on Smith is worth less than on Okonkwo).
TERM_FREQUENCY_LEVELS = frozenset({EXACT, NORMALISED})
TERM_FREQUENCY_FIELDS = ("given_name", "family_name", "town", "address_line")


# Names ----------------------------------------------------------------------------------------------------------


def _edits(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (a transposition may sit beside another edit: Jordan / Jornd is two), counted
    up to 3."""
    return int(DamerauLevenshtein.distance(a, b, score_cutoff=3))


def _spelling_level(a: str, b: str) -> str | None:
    """The spelling levels shared by both name fields, on normalised names without spaces; None when none holds.

    One edit in a name of three letters is usually another name (Amy / Ama) unless letters are only
    transposed or doubled, so short names need the stricter test; two edits need five letters."""
    edits = _edits(a, b)
    shortest = min(len(a), len(b))
    if edits == 1 and (shortest >= 4 or sorted(a) == sorted(b) or len(a) != len(b)):
        return EDIT_1
    if edits == 2 and shortest >= 5:
        return EDIT_2
    similarity = JaroWinkler.normalized_similarity(a, b)
    if similarity >= 0.92:
        return JARO_WINKLER_92
    if shortest >= 3 and _sounds_alike(a, b):
        return PHONETIC
    return None


def _sounds_alike(a: str, b: str) -> bool:
    return phonetic_key(a) == phonetic_key(b) and jellyfish.metaphone(a) == jellyfish.metaphone(b)


def _parts_shared(a: str, b: str) -> bool:
    pa, pb = significant_parts(a), significant_parts(b)
    return (len(pa) > 1 or len(pb) > 1) and not set(pa).isdisjoint(pb)


def _is_initial(a: str, b: str) -> bool:
    return (len(a) == 1 or len(b) == 1) and a[0] == b[0]


def _misspelt_nickname(name: str, other: str) -> bool:
    return any(
        form[0] == name[0] and min(len(form), len(name)) >= 4 and OSA.distance(form, name, score_cutoff=1) <= 1
        for form in nickname_variants(other)
        if form != other
    )


@lru_cache(maxsize=1 << 17)
def compare_given(a: str, b: str, middle_a: str | None = None, middle_b: str | None = None) -> str:
    """Two given names: exact, normalised, nickname, one side's middle name, one or two edits, a shared part,
    Jaro-Winkler, sounding alike, a misspelt nickname, an initial, or different."""
    if a == b and a:
        return EXACT
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return MISSING
    ja, jb = na.replace(" ", ""), nb.replace(" ", "")
    if ja == jb:
        return NORMALISED
    if are_nicknames(na, nb) or are_nicknames(na.split()[0], nb.split()[0]):
        return NICKNAME
    if any(m and normalise_name(m) == other for m, other in ((middle_a, nb), (middle_b, na))):
        return MIDDLE
    level = _name_level(na, nb, ja, jb)
    if level is not None:
        return level
    if _misspelt_nickname(ja, nb) or _misspelt_nickname(jb, na):
        return NICKNAME_EDIT
    return _weak_level(ja, jb)


def _name_level(na: str, nb: str, ja: str, jb: str) -> str | None:
    level = _spelling_level(ja, jb)
    if level in (EDIT_1, None) and _parts_shared(na, nb):
        return level or PART
    return level


def _weak_level(ja: str, jb: str) -> str:
    if _is_initial(ja, jb):
        return INITIAL
    if JaroWinkler.normalized_similarity(ja, jb) >= 0.80:
        return JARO_WINKLER_80
    return DIFFERENT


@lru_cache(maxsize=1 << 17)
def compare_family(a: str, previous_a: str | None, b: str, previous_b: str | None) -> str:
    """Two family names: exact, normalised, one side's previous family name, one or two edits, a shared part of a
    hyphenated or multi-part name, Jaro-Winkler, sounding alike, an initial, or different."""
    if a == b and a:
        return EXACT
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return MISSING
    ja, jb = na.replace(" ", ""), nb.replace(" ", "")
    if ja == jb:
        return NORMALISED
    for previous, other in ((previous_a, jb), (previous_b, ja)):
        if previous and normalise_name(previous).replace(" ", "") == other:
            return PREVIOUS
    return _name_level(na, nb, ja, jb) or _weak_level(ja, jb)


# Dates, gender, places ------------------------------------------------------------------------------------------


def compare_dates(a: date | None, b: date | None) -> str:
    """Two dates of birth: exact, day and month swapped, two adjacent digits transposed, one digit wrong, same
    year and month, within a year, or different."""
    if a is None or b is None:
        return MISSING
    if a == b:
        return EXACT
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return SWAPPED
    da, db = f"{a.year:04d}{a.month:02d}{a.day:02d}", f"{b.year:04d}{b.month:02d}{b.day:02d}"
    changed = [i for i in range(8) if da[i] != db[i]]
    if len(changed) == 2 and changed[1] == changed[0] + 1 and da[changed[0]] == db[changed[1]]:
        if da[changed[1]] == db[changed[0]]:
            return TRANSPOSED
    if len(changed) == 1:
        return ONE_DIGIT
    if (a.year, a.month) == (b.year, b.month):
        return YEAR_MONTH
    if abs(a.toordinal() - b.toordinal()) <= 366:
        return WITHIN_YEAR
    return DIFFERENT


def compare_genders(a: int | None, b: int | None) -> str:
    if a is None or b is None:
        return MISSING
    if a == b:
        return EQUAL
    if a in UNKNOWN_GENDERS or b in UNKNOWN_GENDERS:
        return NOT_KNOWN
    return DIFFERENT


def known_postcode(postcode: str | None) -> str:
    compact = normalise_postcode(postcode or "")
    return "" if compact.startswith(UNKNOWN_POSTCODE_AREA) else compact


# A postcode area is about one town, but London has eight, between which Londoners move as within one town.
_LONDON = dict.fromkeys(("E", "EC", "N", "NW", "SE", "SW", "W", "WC"), "LONDON")


@lru_cache(maxsize=1 << 16)
def compare_postcodes(a: str | None, b: str | None) -> str:
    """Two postcodes: exact, one character different, same sector, district or area (London as one), or different."""
    ca, cb = known_postcode(a), known_postcode(b)
    if not ca or not cb:
        return MISSING
    if ca == cb:
        return EXACT
    if OSA.distance(ca, cb, score_cutoff=1) <= 1:
        return ONE_CHARACTER
    (area_a, district_a, sector_a), (area_b, district_b, sector_b) = postcode_units(ca), postcode_units(cb)
    if sector_a == sector_b:
        return SECTOR
    if district_a == district_b:
        return DISTRICT
    if area_a and _LONDON.get(area_a, area_a) == _LONDON.get(area_b, area_b):
        return AREA
    return DIFFERENT


def normalise_place(text: str | None) -> str:
    """The comparison form of an address line or town (as a name: upper case ASCII, single spaces)."""
    return normalise_name(text) if text else ""


def compare_address_lines(a: str | None, b: str | None) -> str:
    """Two first address lines: exact after normalisation, similar (same house number and the street alike, or
    the whole line alike when it has no number), or different."""
    na, nb = normalise_place(a), normalise_place(b)
    if not na or not nb:
        return MISSING
    if na == nb:
        return EXACT
    number_a, _, street_a = na.partition(" ")
    number_b, _, street_b = nb.partition(" ")
    if number_a == number_b and JaroWinkler.normalized_similarity(street_a, street_b) >= 0.88:
        return SIMILAR
    if number_a[:1].isdigit() and number_b[:1].isdigit():
        return DIFFERENT  # another house in the street is a neighbour, not a typo
    if JaroWinkler.normalized_similarity(na, nb) >= 0.94:
        return SIMILAR
    return DIFFERENT


def compare_towns(a: str | None, b: str | None) -> str:
    na, nb = normalise_place(a), normalise_place(b)
    if not na or not nb:
        return MISSING
    return EXACT if na == nb else DIFFERENT


def compare_middle_names(a: str | None, b: str | None) -> str:
    """Middle names, when both records have one: exact, similar (an edit, a nickname or an initial), different."""
    if not a or not b:
        return MISSING
    level = compare_given(a, b)
    if level in (EXACT, NORMALISED):
        return EXACT
    if level in (MISSING,):
        return MISSING
    return DIFFERENT if level in (DIFFERENT, JARO_WINKLER_80) else SIMILAR
