"""Name and postcode normalisation, nicknames, phonetic codes and blocking keys.

Records keep the names people really have; everything here derives comparison forms from them.

>>> normalise_name("  Siobhán  O’Brien-McDonald ")
'SIOBHAN OBRIEN MACDONALD'
>>> format_postcode("cv49ee")
'CV4 9EE'
>>> canonical_given_name("Billy")
'WILLIAM'

Blocking keys
-------------
A learner is indexed under a set of short keys; a query computes the same keys from its own data and only
learners sharing at least one key are scored. Every key holds at least two independent pieces of evidence,
so a bucket stays small (a key on the date of birth alone would hold ~270 learners at 1,000,000), and the
kinds overlap so that two records of one person still share a key after one or two realistic corruptions.
"Name codes" are the phonetic keys of the canonical first given name and of every family-name variant
(the whole family name, each significant part of a hyphenated or multi-word name, and the previous family
name and its parts).

==========================  ==========================================  =====================================
kind                        made of                                     survives
==========================  ==========================================  =====================================
``dn:DATE:CODE``            date of birth + one name code               a typo, nickname or change in the
                                                                        other name; given/family swapped
``sn:DATE|DATE:CODE``       both readings of a day/month-ambiguous      day and month swapped (+ a name
                            date of birth + one name code               corruption); only for such dates
``ym:A:B:YYYY-MM``          both name codes (ordered, so a swap gives   a wrong day of birth
``yd:A:B:YYYY-*-DD``        the same key) + the date of birth with one  a wrong month of birth
``md:A:B:*-MM-DD``          of its three parts left out                 a wrong year of birth
``dp:DATE:POSTCODE``        date of birth + postcode                    typos in both names, a swap with a
                                                                        typo, a changed name
``pn:POSTCODE:CODE``        postcode + one name code                    a date of birth error together with
                                                                        a name corruption
==========================  ==========================================  =====================================

The name codes are Soundex with a phonetic first letter (see `phonetic_key`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from enum import IntEnum
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import OSA, JaroWinkler

# Letters that NFKD does not decompose into an ASCII base letter plus marks.
_UNDECOMPOSABLE = str.maketrans(
    {
        "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "ẞ": "SS", "Æ": "AE", "æ": "ae", "Œ": "OE",
        "œ": "oe", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "TH", "þ": "th", "ı": "i", "Ħ": "H",
        "ħ": "h", "Ŀ": "L", "ŀ": "l", "ĸ": "K", "Ŋ": "NG", "ŋ": "ng", "ſ": "s", "Ƒ": "F", "ƒ": "f",
    }
)  # fmt: skip
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘‛ʼʻʹʽ`´′", "'"))
_DROPPED = "'."
# Everything in ASCII that is neither a letter, a digit nor a dropped character separates words.
_ASCII_SEPARATORS = str.maketrans(
    {chr(c): " " for c in range(128) if not chr(c).isalnum() and chr(c) not in _DROPPED} | dict.fromkeys(_DROPPED)
)
_NON_WORD = re.compile(r"[^\w ]|_")
_M_APOSTROPHE = re.compile(r"(?<![A-Z])M'(?=[A-Z])")

# Particles are words of a name too short or too common to identify anyone on their own.
PARTICLES = frozenset(
    {"AL", "AP", "BIN", "BINTI", "D", "DA", "DAS", "DE", "DEL", "DELA", "DELLA", "DEN", "DER", "DES", "DI", "DO",
     "DOS", "DU", "EL", "LA", "LE", "MAC", "O", "SAINT", "TER", "VAN", "VON", "Y"}
)  # fmt: skip


@lru_cache(maxsize=1 << 16)
def normalise_name(name: str) -> str:
    """The comparison form of a name: ASCII upper case, no apostrophes or full stops, single spaces.

    Mc and M' prefixes become MAC and a leading St or St. becomes SAINT, so spellings of one name agree.
    """
    if not name.isascii():
        # Upper case first: some letters only decompose, or only gain marks, in one case.
        name = unicodedata.normalize("NFKD", name.upper().translate(_UNDECOMPOSABLE))
        name = "".join(c for c in name if unicodedata.category(c)[0] != "M").translate(_APOSTROPHES)
    upper = name.upper().lstrip()
    if "M'" in upper:
        upper = _M_APOSTROPHE.sub("MAC", upper)
    if upper.startswith("ST."):
        upper = "SAINT " + upper[3:]
    words = upper.translate(_ASCII_SEPARATORS)
    if not words.isascii():
        words = _NON_WORD.sub(" ", words)
    parts = words.split()
    if not parts:
        return ""
    if parts[0] == "ST":
        parts[0] = "SAINT"
    return " ".join(_mac(part) for part in parts) if "MC" in words else " ".join(parts)


def _mac(word: str) -> str:
    if word == "MC":
        return "MAC"
    return "MAC" + word[2:] if word.startswith("MC") else word


def name_parts(name: str) -> tuple[str, ...]:
    """The normalised words of a name; hyphenated and double-barrelled names split into their parts."""
    return tuple(normalise_name(name).split())


def joined_name(name: str) -> str:
    """The normalised name without spaces, so that Smith-Jones, Smith Jones and SmithJones agree."""
    return normalise_name(name).replace(" ", "")


def significant_parts(name: str) -> tuple[str, ...]:
    """The parts of a name that identify someone on their own: no particles (De, Van, Mac...) or initials."""
    return tuple(part for part in name_parts(name) if len(part) > 1 and part not in PARTICLES)


# Postcodes ------------------------------------------------------------------------------------------------------


def normalise_postcode(postcode: str) -> str:
    """Upper case without spaces: ``cv4 9ee`` -> ``CV49EE``."""
    return "".join(postcode.split()).upper()


def format_postcode(postcode: str) -> str:
    """Canonical UK spacing: the inward code (last three characters) apart; ``BFPO 123`` for forces mail."""
    compact = normalise_postcode(postcode)
    if compact.startswith("BFPO"):
        return f"BFPO {compact[4:]}" if len(compact) > 4 else compact
    if 5 <= len(compact) <= 7:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def postcode_units(postcode: str) -> tuple[str, str, str]:
    """Area, district and sector, as in ``CV``, ``CV4``, ``CV49`` for ``CV4 9EE`` (all the code for BFPO)."""
    compact = normalise_postcode(postcode)
    if len(compact) < 5 or compact.startswith("BFPO"):
        return compact, compact, compact
    return compact[: len(compact) - len(compact.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))], compact[:-3], compact[:-2]


# Phonetic codes -------------------------------------------------------------------------------------------------


def first_sound(word: str) -> str:
    """The first letter as it sounds: Philips/Filips, Carl/Karl, Cian/Sian, Gemma/Jemma and Zak/Sak agree."""
    if not word:
        return ""
    first, second = word[0], word[1:2]
    if first == "P" and second == "H":
        return "F"
    if first == "C":
        return "S" if second and second in "EIY" else "K"
    if first == "G" and second and second in "EIY":
        return "J"
    return {"Q": "K", "Z": "S"}.get(first, first)


@lru_cache(maxsize=1 << 16)
def _code(word: str) -> str:
    letters = "".join(c for c in word if "A" <= c <= "Z")
    if not letters:
        # A name in a script with no Latin letters still has to key: use the name itself.
        return f"={word}" if word else ""
    return first_sound(letters) + jellyfish.soundex(letters)[1:]


def phonetic_key(name: str) -> str:
    """A phonetic code of the whole normalised name (spaces removed); empty for an empty name.

    The code is Soundex with its first letter replaced by the letter it sounds like (C before E, I or Y is
    S, other C and Q are K, G before E, I or Y is J, PH is F, Z is S). Blocking keys pair every code with
    other evidence (a date of birth, the other name, a postcode), so the code is chosen for recall over
    selectivity: on single keyboard typos in common UK names Soundex keeps its code about 73% of the time
    against 49% for NYSIIS, 57% for Metaphone and 61% for the match rating codex, and the first-letter rule
    also joins Catherine/Katherine, Philips/Filips and Gemma/Jemma, which plain Soundex splits.
    """
    return _code(joined_name(name))


# Nicknames ------------------------------------------------------------------------------------------------------

# "CANONICAL: nicknames and other spellings", separated by "|". A nickname listed under several names belongs
# first to the earliest, which is its canonical form; matching accepts any of them.
_NICKNAMES = """
WILLIAM: BILL BILLY BILLIE WILL WILLIE WILLY LIAM | KATHERINE: KATE KATIE KATY KATH KATHY CATHY CATHERINE CATHRYN
KATHRYN KATHARINE CATHARINE KAT KITTY | ROBERT: BOB BOBBY BOBBIE ROB ROBBIE ROBBY ROBERTO | JAMES: JIM JIMMY JIMMIE
JAMIE | THOMAS: TOM TOMMY TOMMIE THOM | MICHAEL: MIKE MIKEY MICK MICKY MICKEY MICHEAL | DAVID: DAVE DAVEY DAVY DAVIE |
DANIEL: DAN DANNY DANNIE | SAMUEL: SAM SAMMY | SAMANTHA: SAM SAMMY SAMMIE | BENJAMIN: BEN BENNY BENJI BENJY |
ALEXANDER: ALEX ALEC ALEK XANDER SANDY ALEXANDRE ALEKSANDER | ALEXANDRA: ALEX LEXI ALEXA SASHA SANDY OLA ALEKSANDRA |
CHRISTOPHER: CHRIS KRIS KIT CHRISTY | CHRISTINE: CHRIS CHRISSY CHRISTINA KRISTINE | NICHOLAS: NICK NICKY NIKKI NICOLAS
NIKOLAS | NICOLA: NIKKI NICKY NICOLE | MATTHEW: MATT MATTY MATHEW | JOHN: JACK JOHNNY JOHNNIE JON JONNY JONNIE |
JONATHAN: JON JONNY JOHNNY JONATHON | HENRY: HARRY HAL HANK | EDWARD: TED TEDDY ED EDDIE EDDY NED | ELIZABETH: LIZ
LIZA LIZZIE LIZZY BETH BETTY BETSY BESS BESSIE ELIZA LIBBY ELISABETH | MARGARET: MAGGIE MEG PEGGY MADGE MARGIE |
JENNIFER: JENNY JENNI JEN | REBECCA: BECKY BECCA BECKIE BEX REBEKAH | SOPHIA: SOPHIE SOFIA SOPHY | ELEANOR: ELLIE NELL
NELLIE ELEANORE ELINOR | ABIGAIL: ABBY ABBIE ABI ABBI | CHARLES: CHARLIE CHARLEY CHAS CHUCK | CHARLOTTE: CHARLIE
LOTTIE LOTTE | FREDERICK: FRED FREDDIE FREDDY FREDRICK FREDERIC | JOSEPH: JOE JOEY | ANTHONY: TONY ANTONY | STEPHEN:
STEVE STEVEN STEVIE STEPHAN | ANDREW: ANDY DREW | PATRICK: PAT PADDY | PATRICIA: PAT TRISH TRISHA PATSY PATTY | SUSAN:
SUE SUSIE SUZIE SUZY | VICTORIA: VICKY VICKI VIKKI TORI VIC | JESSICA: JESS JESSIE JESSY | NATALIE: NAT NATALIA NATTIE
| NATHAN: NAT NATE | NATHANIEL: NAT NATE NATHANAEL | MOHAMMED: MO MOHAMMAD MOHAMED MOHAMAD MUHAMMAD MUHAMMED MUHAMAD
MOHD MOHAMMOD MAHOMED | RICHARD: RICH RICHIE RICK RICKY DICK DICKY | PETER: PETE | PHILIP: PHIL PHILLIP | TIMOTHY: TIM
TIMMY | ALFRED: ALFIE ALF | ARCHIBALD: ARCHIE ARCHY | OLIVER: OLLIE OLLY | OLIVIA: LIV LIVVY | ISABELLA: BELLA IZZY
IZZIE ISSY ISABELLE | JACOB: JAKE JAKEY | LUCAS: LUKE | CALLUM: CAL | ZACHARY: ZAC ZACK ZAK ZACH ZACHARIAH | JOSHUA:
JOSH | DEBORAH: DEBBIE DEBBY DEB DEBRA | AMANDA: MANDY | RONALD: RON RONNIE | DONALD: DON DONNIE | TERENCE: TERRY TEL
| RAYMOND: RAY | KENNETH: KEN KENNY | GREGORY: GREG | JACQUELINE: JACKIE JACKY | THEODORE: THEO TEDDY | ALBERT: BERT
BERTIE ALBIE | LAWRENCE: LARRY LAURIE LAURENCE | GERALD: GERRY JERRY | DOMINIC: DOM DOMINICK DOMINIK | ANNE: ANN ANNIE
| MEGAN: MEG | AMELIA: MILLIE MILLY | MATILDA: TILLY TILLIE TILDA | FLORENCE: FLO FLOSSIE | HARRIET: HATTIE HATTY |
FRANCESCA: FRAN FRANKIE CHESCA | FRANCIS: FRANK FRANKIE | GABRIELLA: GABBY GABI | MAGDALENA: MAGDA | MALGORZATA: GOSIA
"""


def _nickname_tables() -> tuple[dict[str, str], dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    primary: dict[str, str] = {}
    forms: dict[str, set[str]] = {}
    family: dict[str, set[str]] = {}
    for entry in _NICKNAMES.split("|"):
        canonical, variants = entry.split(":")
        canonical = canonical.strip()
        names = {canonical, *variants.split()}
        family.setdefault(canonical, set()).update(names)
        for name in names:
            primary.setdefault(name, canonical)
            forms.setdefault(name, set()).add(canonical)
    variants_of = {name: frozenset().union(*(family[c] for c in canonicals)) for name, canonicals in forms.items()}
    return primary, {name: frozenset(canonicals) for name, canonicals in forms.items()}, variants_of


_CANONICAL, _CANONICAL_FORMS, _VARIANTS = _nickname_tables()


def canonical_given_name(name: str) -> str:
    """The canonical form of a given name (Bill -> WILLIAM); a name not in the table is its normalised self."""
    normalised = normalise_name(name)
    return _CANONICAL.get(normalised, normalised)


def canonical_given_names(name: str) -> frozenset[str]:
    """Every name a given name may stand for: Sam -> {SAMUEL, SAMANTHA}; an unknown name -> itself."""
    normalised = normalise_name(name)
    return _CANONICAL_FORMS.get(normalised, frozenset({normalised}))


def nickname_variants(name: str) -> frozenset[str]:
    """Every listed form of the names a given name may stand for (Steve -> STEPHEN, STEVEN, STEVIE...)."""
    normalised = normalise_name(name)
    return _VARIANTS.get(normalised, frozenset({normalised}))


def are_nicknames(first: str, second: str) -> bool:
    """Whether two given names are forms of one name (Bill / William, Katie / Kathryn, Sam / Samantha)."""
    return not canonical_given_names(first).isdisjoint(canonical_given_names(second))


# Comparing names ------------------------------------------------------------------------------------------------


class Agreement(IntEnum):
    """How far two names agree, weakest first."""

    DIFFERENT = 0
    NICKNAME_TYPO = 1
    TYPO = 2
    PART = 3
    NICKNAME = 4
    SPACING = 5
    EXACT = 6


# Keys next to each other on a UK keyboard, the commonest slip of a finger.
_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
_NEIGHBOURS = {
    key: {row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)}
    | {_ROWS[r - 1][j] for j in (i, i + 1) if r > 0 and j < len(_ROWS[r - 1])}
    | {_ROWS[r + 1][j] for j in (i - 1, i) if r < 2 and 0 <= j < len(_ROWS[r + 1])}
    for r, row in enumerate(_ROWS)
    for i, key in enumerate(row)
}


def _is_typo(a: str, b: str) -> bool:
    """One slip of the keyboard, or two in names of about one length that Jaro-Winkler still finds alike.

    A letter replaced by its neighbour on the keyboard is a slip anywhere (Molly / Nolly, Mia / Moa). Otherwise
    a different first letter that also sounds different makes a different name (Holly / Polly) unless the
    first two letters are transposed or a stray letter precedes a name of five or more (Salfie / Alfie); in
    three letters a changed letter makes another name (Amy / Ama), a transposed, doubled or dropped one does
    not (Mia / Mai, Ivy / Ivvy). Adding a syllable is not a typo (Harris / Harrison, Kian / Kieran).
    """
    if len(a) == len(b) >= 3:
        changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        if len(changed) == 1 and changed[0][1] in _NEIGHBOURS.get(changed[0][0], ()):
            return True
    if a[0] != b[0] and first_sound(a) != first_sound(b):
        short, long = sorted((a, b), key=len)
        return a[1::-1] + a[2:] == b or (len(short) >= 5 and long[1:] == short)
    distance = OSA.distance(a, b, score_cutoff=2)
    if distance <= 1:
        return len(a) != len(b) or len(a) >= 4 or sorted(a) == sorted(b)
    return distance == 2 and abs(len(a) - len(b)) <= 1 and JaroWinkler.normalized_similarity(a, b) >= 0.92


def _misspelt_nickname(name: str, other: str) -> bool:
    return any(
        form[0] == name[0] and min(len(form), len(name)) >= 4 and OSA.distance(form, name, score_cutoff=1) <= 1
        for form in nickname_variants(other)
        if form != other
    )


@lru_cache(maxsize=1 << 16)
def compare_names(a: str, b: str, given: bool) -> Agreement:
    """How two names agree: exact, in spacing only, as nicknames (given names only), by sharing one part of
    a multi-part name, by a typo, by a typo of a nickname (given names only), or not at all."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return Agreement.DIFFERENT
    if na == nb:
        return Agreement.EXACT
    ja, jb = na.replace(" ", ""), nb.replace(" ", "")
    if ja == jb:
        return Agreement.SPACING
    if given and (are_nicknames(na, nb) or are_nicknames(na.split()[0], nb.split()[0])):
        return Agreement.NICKNAME
    pa, pb = significant_parts(na), significant_parts(nb)
    if (len(pa) > 1 or len(pb) > 1) and not set(pa).isdisjoint(pb):
        return Agreement.PART
    if _is_typo(ja, jb) or any(_is_typo(x, y) for x in pa for y in pb if min(len(x), len(y)) >= 4):
        return Agreement.TYPO
    if given and (_misspelt_nickname(ja, nb) or _misspelt_nickname(jb, na)):
        return Agreement.NICKNAME_TYPO
    return Agreement.DIFFERENT


# Blocking keys --------------------------------------------------------------------------------------------------


def _given_codes(given_name: str) -> set[str]:
    parts = significant_parts(given_name) or name_parts(given_name)
    if not parts:
        return set()
    return {code for code in (_code(canonical_given_name(parts[0])),) if code}


def _family_codes(*family_names: str | None) -> set[str]:
    codes: set[str] = set()
    for family_name in family_names:
        if family_name:
            codes.add(phonetic_key(family_name))
            codes.update(_code(part) for part in significant_parts(family_name))
    codes.discard("")
    return codes


def _with(prefix: str, head: str, codes: Iterable[str]) -> set[str]:
    return {f"{prefix}:{head}:{code}" for code in codes}


def blocking_keys(
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    postcode: str | None,
    previous_family_name: str | None = None,
) -> frozenset[str]:
    """The keys a learner is indexed under, and that a query with the same data looks up (see module docs)."""
    given = _given_codes(given_name)
    family = _family_codes(family_name, previous_family_name)
    codes = given | family
    compact = normalise_postcode(postcode or "")
    keys: set[str] = set()
    if compact:
        keys |= _with("pn", compact, codes)
    if date_of_birth is None:
        return frozenset(keys)
    dob = date_of_birth.isoformat()
    keys |= _with("dn", dob, codes)
    if compact:
        keys.add(f"dp:{dob}:{compact}")
    if date_of_birth.day <= 12 and date_of_birth.day != date_of_birth.month:
        swapped = date_of_birth.replace(month=date_of_birth.day, day=date_of_birth.month).isoformat()
        keys |= _with("sn", "|".join(sorted((dob, swapped))), codes)
    year, month, day = dob.split("-")
    for g in given:
        for f in family:
            pair = ":".join(sorted((g, f)))
            keys |= {f"ym:{pair}:{year}-{month}", f"yd:{pair}:{year}-*-{day}", f"md:{pair}:*-{month}-{day}"}
    return frozenset(keys)
