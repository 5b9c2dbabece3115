"""Synthetic UK learners with known duplicates, for matching benchmarks.

`python -m bench.generate --count N --seed S --out DIR` writes DIR/learners.csv, DIR/truth.csv,
DIR/corruptions.csv (each second record's kinds of corruption) and DIR/relations.csv (twins, siblings and
namesakes: different people who look alike).
Records are generated one by one from a seeded `random.Random`, so output is deterministic and memory stays
bounded (apart from the set of ULNs already issued).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import heapq
import random
import sys
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

from learner_records.domain import uln as uln_mod

LEARNER_COLUMNS = (
    "record_id", "uln", "given_name", "middle_name", "family_name", "previous_family_name",
    "date_of_birth", "gender", "postcode", "town", "address_line_1",
)
TRUTH_COLUMNS = ("record_id", "person_id")
CORRUPTION_COLUMNS = ("record_id", "corruption")
RELATION_COLUMNS = ("record_id_a", "record_id_b", "relation")
MAX_NAME_LENGTH = 35
MAX_ADDRESS_LENGTH = 50
# The register requires a postcode and checks it against the MIAP pattern; a record whose postcode was not
# captured carries this placeholder of the ZZ99 "no fixed abode / unknown" area that the pattern accepts.
UNKNOWN_POSTCODE = "ZZ99 9ZZ"

# Learners aged 14-25 on 31 August 2026.
_DOB_FIRST = dt.date(2000, 9, 1).toordinal()
_DOB_SPAN = dt.date(2012, 8, 31).toordinal() - _DOB_FIRST + 1
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_DUPLICATE_WINDOW = 50_000
_RECENT = 2_000
_TWIN_RATE = 0.0025  # pairs per new person: ~0.5% of people are twins
_SIBLING_RATE = 0.03
_NAMESAKE_RATE = 0.002  # same given, family and DOB as someone else, but a different person
_SECOND_DUPLICATE = 0.1
_COMMON_NAME_SHARE = 0.08  # people drawn from a handful of very common names, so namesakes exist


@dataclass(frozen=True, slots=True)
class GeneratedLearner:
    record_id: str
    person_id: str
    uln: str
    given_name: str
    middle_name: str
    family_name: str
    previous_family_name: str
    date_of_birth: dt.date
    gender: int
    postcode: str
    town: str
    address_line_1: str = ""
    corruption: str = ""
    relation: str = ""  # twin, sibling or namesake of the earlier record `related_to`
    related_to: str = ""

    def as_row(self) -> tuple[str, ...]:
        return (
            self.record_id, self.uln, self.given_name, self.middle_name, self.family_name,
            self.previous_family_name, self.date_of_birth.isoformat(), str(self.gender), self.postcode, self.town,
            self.address_line_1,
        )


# --- name and place data ---------------------------------------------------------------------------------
# Lists run from most to least common; "_" stands for a space inside a name.


def _split(text: str) -> list[str]:
    return list(dict.fromkeys(word.replace("_", " ") for word in text.split()))


MALE_GIVEN = _split("""
Oliver Jack Harry Jacob Charlie Thomas George Oscar James William Noah Alfie Joshua Muhammad Leo Archie Ethan
Joseph Freddie Samuel Alexander Logan Daniel Isaac Max Mohammed Benjamin Mason Lucas Edward Harrison Jake Dylan
Riley Finley Theo Sebastian Adam Zachary Arthur Toby Jayden Luke Harley Lewis Tyler Harvey Matthew David Reuben
Michael Elijah Kian Tommy Mohammad Blake Luca Theodore Stanley Jenson Nathan Charles Frankie Jude Teddy Louie
Louis Ryan Hugo Bobby Elliott Dexter Ollie Alex Liam Kai Gabriel Connor Aaron Frederick Callum Elliot Albert Leon
Ronnie Rory Jamie Austin Seth Ibrahim Owen Caleb Ellis Sonny Robert Joey Felix Finlay Jackson Carter Ben Aiden
Rhys Cameron Kyle Bradley Jordan Ashton Christopher Jonathan Nicholas Ali Hamza Yusuf Omar Ahmed Hassan Bilal
Ayaan Zain Ayan Arjun Rohan Aarav Krish Dev Harjot Gurpreet Kacper Jakub Szymon Filip Łukasz Mateusz Piotr Seán
Oisín Ciarán Eoin Cillian Darragh Pádraig Rhodri Dafydd Gethin Iwan Cai Kwame Kofi Chidi Emeka Tobi Olumide José
Mateo Santiago Luís André Jérôme François Björn Stefan Andrei Marius Ionuț Lorcan Fionn Ruairí Angus Hamish Euan
Calum Ewan Alasdair Declan Kieran Brandon Reece Corey Shane Dominic Patrick Vincent Marcus Tristan Rafael Joel
Jesse Tobias Xavier Ezra Musa Idris Ismail Sami Tariq Imran Faisal Kabir Vihaan Nikhil Sanjay Tomasz Dominik
""")

FEMALE_GIVEN = _split("""
Olivia Amelia Isla Ava Emily Sophia Grace Mia Poppy Ella Lily Evie Isabella Sophie Ivy Freya Harper Willow
Charlotte Jessica Rosie Daisy Alice Sienna Florence Matilda Phoebe Ruby Isabelle Evelyn Millie Eva Chloe Scarlett
Erin Layla Holly Lucy Emma Ellie Hannah Megan Amber Lola Molly Katie Lauren Bethany Abigail Georgia Jasmine Leah
Maya Zara Aisha Fatima Maryam Zainab Amira Hafsa Khadija Ayesha Inaaya Anaya Priya Simran Harleen Jaspreet Zoë
Chloé Siobhán Niamh Aoife Saoirse Sinéad Róisín Caoimhe Orlaith Éabha Cerys Seren Ffion Carys Nia Gwen Eilidh
Kirsty Morag Iona Chiara Lucía María Inês Renée Amélie Anaïs Noémie Zuzanna Zofia Oliwia Małgorzata Agnieszka
Wiktoria Ana Ioana Adaeze Chioma Amara Abena Nneka Katherine Elizabeth Rebecca Rachel Victoria Samantha Jennifer
Margaret Alexandra Eleanor Natalie Abbie Kate Beth Paige Courtney Shannon Jade Chelsea Leah Tia Keira Nicole
Francesca Gabriella Naomi Esme Imogen Harriet Elsie Mabel Edith Beatrice Clara Aurora Hallie Maddison Summer
Eliza Nancy Violet Rose Hollie Anna Libby Darcey Maisie Faith Hope Jasmin Sara Sarah Laila Noor Hiba Rania Yasmin
Safa Asma Mariam Anisa Sana Tanvi Diya Kiran Nadia Natalia Julia Weronika Aleksandra Ewa Magdalena Zoe Joanna
""")

SURNAMES = _split("""
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker White
Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark
Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths
Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson
Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ahmed Hussain Ali Hunt
Holmes Palmer Campbell Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey
Graham Pearson Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce
Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry
Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page
Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed
Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson
Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis
Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler Potter Osborne
Johnston Gordon Doyle Wallace George Jordan Hutchinson Rahman Islam Akhtar Chowdhury Miah Uddin Mahmood Iqbal
Butt Malik Rashid Mirza Sharma Kumar Mistry Chauhan Joshi Sandhu Sidhu Dhillon Bains Nguyen Chen Wang Li Zhang
Liu Wong Kim Okafor Adeyemi Mensah Okonkwo Osei Boateng Mohamed Abdi Hassan Ibrahim Yusuf Kowalski Nowak
Wiśniewski Wójcik Lewandowski Zieliński Popescu Ionescu MacDonald McKenzie MacKenzie McLean Maclean MacLeod
McGregor McKay Mackay McCann McGrath McLaughlin O'Sullivan O'Reilly O'Donnell D'Souza D'Costa D'Arcy Llewellyn
Pritchard Vaughan Prosser Bevan Pugh Howells Gruffydd Fernández García Rodríguez Müller Schröder Gonçalves Santos
Silva Pereira Ferreira Smith-Jones Lloyd_Webber Vaughan-Williams Baden-Powell Heaton-Harris Bowes-Lyon Ó_Briain
Ó_Súilleabháin Ní_Bhriain Mac_Giolla ap_Rhys Żółć Brontë Hernández Nuñez Sørensen Ødegaard Jovanović
""")

SURNAME_PREFIXES = _split("""
Ash Black Brad Brom Cal Chad Craw Dun Eld Fair Farn Green Hart Hay Holl Kings Lang Lid Mar Mid Nor Pen Rad Red
Rom Shel South Stan Thorn Wad West Whit Wood Brook Cot Ather Bar Bed Bur Crom Dray Elling Haw Kirk Lind Mill Mor
Ox Rams Roth Sand Stock Sut Tat Wal Wil Win Hol Ald Bil Cran Dal Ed Gold Hamp Ken Ling Mort Pick
""")
SURNAME_SUFFIXES = _split("ton ley worth field ford ham wood well by shaw more combe hurst dale don stone bridge wick "
                          "thorpe land cliffe bury low hill gate")

COMMON_MALE_GIVEN = _split("Oliver Jack Harry George Noah Muhammad Thomas James")
COMMON_FEMALE_GIVEN = _split("Olivia Amelia Isla Ava Emily Sophia Grace Mia")
COMMON_SURNAMES = _split("Smith Jones Williams Taylor Brown Davies Evans Wilson Khan Patel")

STREET_NAMES = _split("""
High Station Church Park Victoria Green Manor Mill School Queens Kings New Grange London Alexandra York Albert
Springfield Windsor George Chapel Main Highfield North South West Hill Oak Elm Beech Ash Willow Meadow Brook Cedar
Orchard Westfield Mount Richmond Stanley Cambridge Oxford Princes Market Bridge Castle Clarence Marlborough
Grosvenor Belmont Chester Lime Holly Hawthorn Sycamore Rosemary Lansdowne Kingsway Moorland Fairfield Broad Ashley
Wellington Nelson Russell Cromwell Gladstone Milton Shakespeare Tennyson Byron Chaucer Beaumont Hamilton Raleigh
St_John's St_Mary's St_Andrew's Heath Vicarage Rectory Farm Brookside Riverside Woodland Lakeside Hillside Valley
""")
STREET_SUFFIXES = _split("""
Road Street Lane Avenue Close Drive Way Gardens Crescent Place Court Grove Terrace Walk View Rise Mews Square
Hill Row
""")

_NICKNAME_TABLE = """
William:Bill,Will,Billy,Liam Thomas:Tom,Tommy Katherine:Kate,Katie,Kath Elizabeth:Liz,Beth,Lizzie,Eliza
Alexander:Alex,Sandy,Xander Alexandra:Alex,Lexi,Sasha Mohammed:Mo Muhammad:Mo Mohammad:Mo Robert:Rob,Bob,Bobby
James:Jim,Jamie Joseph:Joe,Joey Samuel:Sam,Sammy Daniel:Dan,Danny Benjamin:Ben,Benji Matthew:Matt
Michael:Mike,Mick Edward:Ed,Eddie,Ted,Teddy Frederick:Fred,Freddie Charles:Charlie Oliver:Ollie,Olly
Theodore:Theo,Teddy Jacob:Jake Nathan:Nate Zachary:Zach Jonathan:Jon,Johnny Christopher:Chris Nicholas:Nick
Rebecca:Becky,Becca Jessica:Jess Victoria:Vicky,Tori Samantha:Sam Jennifer:Jen,Jenny Margaret:Maggie,Meg,Peggy
Eleanor:Ellie,Nell Isabella:Bella,Izzy Isabelle:Izzy Abigail:Abbie,Abby Charlotte:Lottie,Charlie Florence:Flo
Matilda:Tilly Amelia:Millie Natalie:Nat Sophia:Sophie Francesca:Fran,Frankie Gabriella:Gabby Harriet:Hattie
Patrick:Paddy Dominic:Dom Joshua:Josh Callum:Cal Lucas:Luke Aleksandra:Ola Małgorzata:Gosia Magdalena:Magda
"""


def _nickname_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for entry in _NICKNAME_TABLE.split():
        formal, short = entry.split(":")
        for nick in short.split(","):
            index.setdefault(formal, []).append(nick)
            index.setdefault(nick, []).append(formal)
    return {name: list(dict.fromkeys(options)) for name, options in index.items()}


_NICKNAMES = _nickname_index()


def nicknames(given: str) -> list[str]:
    """Other forms of a given name that a person goes by (Tom for Thomas, Thomas for Tom)."""
    return _NICKNAMES.get(given, [])


def same_given(a: str, b: str) -> bool:
    return strip_accents(a).lower() == strip_accents(b).lower() or b in _NICKNAMES.get(a, ())


# outward codes ("B1-38" is B1 to B38), post town, relative population
_AREA_TABLE = """
E1-18,E1W:London:5 N1-22:London:4 NW1-11:London:3 SE1-28:London:5 SW2-20,SW1A,SW1P,SW1V:London:4
W2-14,W1T,W1U,W1K:London:3 EC1A,EC1V,EC2A,EC3M,WC1N,WC2H:London:1 B1-38:Birmingham:9 B90-94:Solihull:1
CV1-6:Coventry:3 CV31-33:Leamington_Spa:1 CV34-35:Warwick:1 CV21-23:Rugby:1 CV10-11:Nuneaton:1
M1-40:Manchester:6 L1-38:Liverpool:4 LS1-29:Leeds:5 S1-14:Sheffield:4 BS1-16:Bristol:4 NG1-11:Nottingham:3
LE1-5:Leicester:3 NE1-15:Newcastle_upon_Tyne:3 SR1-6:Sunderland:1 DH1:Durham:1 TS1-5:Middlesbrough:1
YO1,YO10,YO24,YO26,YO30,YO31:York:1 HU1-9:Hull:2 BD1-10:Bradford:3 HX1-3:Halifax:1 HD1-5:Huddersfield:1
WF1-2:Wakefield:1 DN1-5:Doncaster:1 BB1-2:Blackburn:1 PR1-2:Preston:1 BL1-3:Bolton:1 OL1-4:Oldham:1 WN1-3:Wigan:1
ST1-6:Stoke-on-Trent:2 WV1-14:Wolverhampton:2 WS1-5:Walsall:1 DY1-3:Dudley:1 DE1-24:Derby:2 NN1-5:Northampton:1
MK1-19:Milton_Keynes:2 LU1-4:Luton:1 OX1-4:Oxford:1 CB1-5:Cambridge:1 NR1-7:Norwich:1 IP1-4:Ipswich:1
CO1-4:Colchester:1 CM1-2:Chelmsford:1 SS1-3:Southend-on-Sea:1 ME4-5:Chatham:1 CT1-2:Canterbury:1 BN1-3:Brighton:2
RH10-11:Crawley:1 GU1-2:Guildford:1 RG1-6:Reading:2 SL1-3:Slough:1 SO14-19:Southampton:2 PO1-6:Portsmouth:2
BH1-11:Bournemouth:1 EX1-4:Exeter:1 PL1-9:Plymouth:1 TR1:Truro:1 GL1-4:Gloucester:1 SN1-5:Swindon:1 BA1-2:Bath:1
CF10-24:Cardiff:3 SA1-8:Swansea:1 NP19-20:Newport:1 LL11-14:Wrexham:1 LL57:Bangor:1 SY23:Aberystwyth:1
EH1-17:Edinburgh:3 G1-53:Glasgow:4 AB10-25:Aberdeen:1 DD1-5:Dundee:1 IV1-3:Inverness:1 BT1-17:Belfast:2
BT47-48:Londonderry:1 CA1-3:Carlisle:1 LA1:Lancaster:1 FY1-4:Blackpool:1 CH1-4:Chester:1 WA1-5:Warrington:1
SK1-8:Stockport:1 PE1-4:Peterborough:1 LN1-6:Lincoln:1 TF1-4:Telford:1 HR1-4:Hereford:1 WR1-5:Worcester:1
SG1-2:Stevenage:1 AL1-4:St_Albans:1 HP1-3:Hemel_Hempstead:1 WD17-25:Watford:1 EN1-3:Enfield:1 HA0-9:Harrow:1
IG1-11:Ilford:1 RM1-7:Romford:1 CR0-8:Croydon:2 BR1-7:Bromley:1 KT1-9:Kingston_upon_Thames:1 DA1-8:Dartford:1
"""


def _outward_codes(spec: str) -> tuple[str, ...]:
    codes: list[str] = []
    for part in spec.split(","):
        if "-" not in part:
            codes.append(part)
            continue
        start, end = part.split("-")
        area = start.rstrip("0123456789")
        codes += [f"{area}{n}" for n in range(int(start[len(area):]), int(end) + 1)]
    return tuple(codes)


def _areas() -> list[tuple[tuple[str, ...], str, float]]:
    by_town: dict[str, tuple[list[str], float]] = {}
    for entry in _AREA_TABLE.split():
        spec, town, weight = entry.split(":")
        codes, total = by_town.setdefault(town.replace("_", " "), ([], 0.0))
        codes.extend(_outward_codes(spec))
        by_town[town.replace("_", " ")] = (codes, total + float(weight))
    return [(tuple(codes), town, weight) for town, (codes, weight) in by_town.items()]


class _Weighted:
    """Zipf-Mandelbrot weights over a list ordered from most to least common."""

    def __init__(self, items: Sequence[str], offset: float = 10.0) -> None:
        self.items = list(items)
        self.cum = list(accumulate(1.0 / (rank + offset) for rank in range(1, len(self.items) + 1)))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self.cum)[0]


_MALE = _Weighted(MALE_GIVEN)
_FEMALE = _Weighted(FEMALE_GIVEN)
_SURNAMES = _Weighted(SURNAMES)
_SURNAME_TAIL = [p + s for p in SURNAME_PREFIXES for s in SURNAME_SUFFIXES]
_TAIL_SHARE = 0.3
_AREAS = _areas()
_AREA_CUM = list(accumulate(area[2] for area in _AREAS))
_AREA_BY_TOWN = {area[1]: area for area in _AREAS}
_STREETS = _Weighted(STREET_NAMES)
_STREET_SUFFIXES = _Weighted(STREET_SUFFIXES, offset=2.0)


def _given(rng: random.Random, sex: int) -> str:
    return (_MALE if sex == 1 else _FEMALE).draw(rng)


def _sex_of(rng: random.Random, gender: int) -> int:
    return gender if gender in (1, 2) else (1 if rng.random() < 0.5 else 2)


def _address_line(rng: random.Random) -> str:
    number = rng.randrange(1, 40) if rng.random() < 0.7 else rng.randrange(40, 300)
    line = f"{number} {_STREETS.draw(rng)} {_STREET_SUFFIXES.draw(rng)}"
    return line[:MAX_ADDRESS_LENGTH]


def _surname(rng: random.Random) -> str:
    if rng.random() < _TAIL_SHARE:
        return _SURNAME_TAIL[rng.randrange(len(_SURNAME_TAIL))]
    return _SURNAMES.draw(rng)


def _middle(rng: random.Random, sex: int, given: str) -> str:
    if rng.random() < 0.4:
        return ""
    middle = _given(rng, sex)
    return "" if middle == given else middle


def _dob(rng: random.Random) -> dt.date:
    return dt.date.fromordinal(_DOB_FIRST + rng.randrange(_DOB_SPAN))


def _gender_code(rng: random.Random, sex: int) -> int:
    roll = rng.random()
    if roll < 0.01:
        return 9
    if roll < 0.015:
        return 0
    return sex


def _address(rng: random.Random, area: tuple[tuple[str, ...], str, float] | None = None) -> tuple[str, str]:
    if area is None:
        area = rng.choices(_AREAS, cum_weights=_AREA_CUM)[0]
    outwards, town, _ = area
    outward = outwards[rng.randrange(len(outwards))]
    inward = f"{rng.randrange(10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    return f"{outward} {inward}", town


def _area_of(town: str) -> tuple[tuple[str, ...], str, float] | None:
    return _AREA_BY_TOWN.get(town)


class _Generator:
    def __init__(self, count: int, seed: int, duplicate_rate: float) -> None:
        if not 0 <= duplicate_rate < 1:
            raise ValueError("duplicate_rate must be in [0, 1)")
        self.count = count
        self.rng = random.Random(seed)
        self.schedule_rate = duplicate_rate / (1 - duplicate_rate) / (1 + _SECOND_DUPLICATE)
        self.window = max(1, min(_DUPLICATE_WINDOW, count // 4))
        self.width = max(7, len(str(count)))
        self.ulns: set[str] = set()
        self.people = 0
        self.recent: deque[GeneratedLearner] = deque(maxlen=_RECENT)
        self.queued: deque[GeneratedLearner] = deque()
        self.pending: list[tuple[int, int, GeneratedLearner]] = []
        self.scheduled = 0

    def new_uln(self) -> str:
        while True:
            value = uln_mod.generate(self.rng.randrange)
            if value not in self.ulns:
                self.ulns.add(value)
                return value

    def new_person_id(self) -> str:
        self.people += 1
        return f"P{self.people:0{self.width}d}"

    def person(self, *, sex: int = 0, given_name: str = "", **fixed: object) -> GeneratedLearner:
        rng = self.rng
        sex = sex or (1 if rng.random() < 0.5 else 2)
        common = rng.random() < _COMMON_NAME_SHARE
        if given_name:
            given = given_name
        elif common:
            given = rng.choice(COMMON_MALE_GIVEN if sex == 1 else COMMON_FEMALE_GIVEN)
        else:
            given = _given(rng, sex)
        postcode, town = _address(rng)
        values: dict[str, object] = {
            "record_id": "", "person_id": self.new_person_id(), "uln": "", "given_name": given,
            "middle_name": _middle(rng, sex, given),
            "family_name": rng.choice(COMMON_SURNAMES) if common else _surname(rng), "previous_family_name": "",
            "date_of_birth": _dob(rng), "gender": _gender_code(rng, sex), "postcode": postcode, "town": town,
            "address_line_1": _address_line(rng),
        }
        values.update(fixed)
        return GeneratedLearner(**values)  # type: ignore[arg-type]

    def new_people(self) -> list[GeneratedLearner]:
        """One new person, or a pair of twins; a twin, sibling or namesake names its relation to an earlier record
        (a twin's `related_to` is filled in when the first twin has its record id)."""
        rng = self.rng
        roll = rng.random()
        if self.recent and roll < _TWIN_RATE:
            first = self.person()
            sex = 1 if rng.random() < 0.5 else 2
            given = first.given_name
            while same_given(given, first.given_name):
                given = _given(rng, sex)
            twin = self.person(
                sex=sex, given_name=given, family_name=first.family_name, date_of_birth=first.date_of_birth,
                postcode=first.postcode, town=first.town, address_line_1=first.address_line_1, relation="twin",
            )
            return [first, twin]
        if self.recent and roll < _TWIN_RATE + _SIBLING_RATE:
            other = self.recent[rng.randrange(len(self.recent))]
            dob = _dob(rng)
            while abs(dob.toordinal() - other.date_of_birth.toordinal()) < 300:
                dob = _dob(rng)
            household: dict[str, Any] = {
                "family_name": other.family_name, "postcode": other.postcode, "town": other.town,
                "address_line_1": other.address_line_1, "relation": "sibling", "related_to": other.record_id,
            }
            sibling = self.person(date_of_birth=dob, **household)
            if same_given(sibling.given_name, other.given_name):
                return [self.person(**household)]
            return [sibling]
        if self.recent and roll < _TWIN_RATE + _SIBLING_RATE + _NAMESAKE_RATE:
            other = self.recent[rng.randrange(len(self.recent))]
            sex = other.gender if other.gender in (1, 2) else 1
            return [self.person(sex=sex, given_name=other.given_name, family_name=other.family_name,
                                date_of_birth=other.date_of_birth, relation="namesake", related_to=other.record_id)]
        return [self.person()]

    def schedule_duplicates(self, original: GeneratedLearner, position: int) -> None:
        rng = self.rng
        remaining = self.count - position - 1
        if remaining <= 0 or rng.random() >= self.schedule_rate:
            return
        copies = 2 if rng.random() < _SECOND_DUPLICATE else 1
        for _ in range(copies):
            due = position + 1 + rng.randrange(min(self.window, remaining))
            self.scheduled += 1
            heapq.heappush(self.pending, (due, self.scheduled, original))

    def __iter__(self) -> Iterator[GeneratedLearner]:
        for position in range(self.count):
            record_id = f"R{position + 1:0{self.width}d}"
            if self.pending and self.pending[0][0] <= position:
                original = heapq.heappop(self.pending)[2]
                yield corrupt(self.rng, original, record_id=record_id, uln=self.new_uln())
                continue
            if not self.queued:
                self.queued.extend(self.new_people())
            learner = dataclasses.replace(self.queued.popleft(), record_id=record_id, uln=self.new_uln())
            if learner.relation and not learner.related_to:  # the second twin: the first was the record before
                learner = dataclasses.replace(learner, related_to=self.recent[-1].record_id)
            self.recent.append(learner)
            self.schedule_duplicates(learner, position)
            yield learner


def generate_learners(count: int, seed: int, duplicate_rate: float = 0.05) -> Iterator[GeneratedLearner]:
    """`count` learners, about `duplicate_rate` of them second records of a person already generated."""
    return iter(_Generator(count, seed, duplicate_rate))


# --- corruptions -----------------------------------------------------------------------------------------

# Roughly FEBRL's mix: most second records differ by a slip of the keyboard, a nickname, a move or a lost field;
# fewer by a wholly different value (a date of birth or given name keyed from another record).
_KIND_WEIGHTS = {
    "typo_given": 13, "typo_family": 13, "nickname": 12, "swap_names": 5, "surname_change": 8,
    "hyphen_surname": 5, "dob_day_month": 7, "moved": 15, "no_middle": 8, "case_accent": 14,
    "dob_replaced": 3, "dob_digit": 6, "given_replaced": 2, "typo2_given": 4, "typo2_family": 4, "swap_typo": 2,
    "dob_and_postcode": 3, "address_move": 6, "missing_postcode": 2, "missing_town": 3, "initial_given": 3,
    "middle_as_given": 3,
}
KINDS = tuple(_KIND_WEIGHTS)
_KIND_CUM = list(accumulate(_KIND_WEIGHTS.values()))
_RECORD_FIELDS = ("record_id", "uln", "corruption", "relation", "related_to")


def corrupt(rng: random.Random, original: GeneratedLearner, *, record_id: str, uln: str) -> GeneratedLearner:
    """A second record of the same person with one, two (20%) or three (10%) realistic differences."""
    roll = rng.random()
    wanted = 1 if roll < 0.7 else 2 if roll < 0.9 else 3
    fields = dataclasses.asdict(original)
    applied: list[str] = []
    for _ in range(20):
        if len(applied) == wanted:
            break
        kind = rng.choices(KINDS, cum_weights=_KIND_CUM)[0]
        if kind not in applied and _apply(rng, kind, fields):
            applied.append(kind)
    if not applied:
        fields["postcode"], fields["town"] = _address(rng)
        applied.append("moved")
    fields.update(record_id=record_id, uln=uln, corruption=",".join(applied), relation="", related_to="")
    return GeneratedLearner(**fields)


def _apply(rng: random.Random, kind: str, f: dict[str, object]) -> bool:  # noqa: C901 - one branch per kind
    given, family = str(f["given_name"]), str(f["family_name"])
    if kind in ("typo_given", "typo_family", "typo2_given", "typo2_family"):
        key = "given_name" if kind.endswith("given") else "family_name"
        changed = typo(rng, str(f[key]))
        if changed is not None and kind.startswith("typo2"):
            changed = typo(rng, changed)
        if changed is None or changed == f[key]:
            return False
        f[key] = changed
    elif kind in _DATE_KINDS:
        return _DATE_KINDS[kind](rng, f)
    elif kind in _PLACE_KINDS:
        return _PLACE_KINDS[kind](rng, f)
    elif kind in _NAME_KINDS:
        return _NAME_KINDS[kind](rng, f)
    elif kind == "nickname":
        options = nicknames(given)
        if not options:
            return False
        f["given_name"] = options[rng.randrange(len(options))]
    elif kind == "swap_names":
        if given == family:
            return False
        f["given_name"], f["family_name"] = family, given
    elif kind == "surname_change":
        new = _surname(rng)
        if new == family:
            return False
        f["family_name"] = new
        f["previous_family_name"] = family if rng.random() < 0.5 else ""
    elif kind == "hyphen_surname":
        if "-" in family:
            parts = family.split("-")
            f["family_name"] = parts[rng.randrange(len(parts))]
        else:
            other = _surname(rng).split("-")[0]
            new = f"{other}-{family}" if rng.random() < 0.5 else f"{family}-{other}"
            if other == family or len(new) > MAX_NAME_LENGTH:
                return False
            f["family_name"] = new
    elif kind == "dob_day_month":
        dob = f["date_of_birth"]
        assert isinstance(dob, dt.date)
        if dob.day > 12 or dob.day == dob.month:
            return False
        f["date_of_birth"] = dob.replace(month=dob.day, day=dob.month)
    elif kind == "moved":
        area = _area_of(str(f["town"])) if rng.random() < 0.5 else None
        return _move(rng, f, area)
    elif kind == "no_middle":
        if not f["middle_name"]:
            return False
        f["middle_name"] = ""
    elif kind == "case_accent":
        key = "family_name" if _has_marks(family) or not _has_marks(given) and rng.random() < 0.5 else "given_name"
        changed = restyle(rng, str(f[key]))
        if changed == f[key]:
            return False
        f[key] = changed
    return True


def _move(rng: random.Random, f: dict[str, object], area: tuple[tuple[str, ...], str, float] | None) -> bool:
    postcode, town = _address(rng, area)
    if postcode == f["postcode"]:
        return False
    f["postcode"], f["town"], f["address_line_1"] = postcode, town, _address_line(rng)
    return True


def _dob_replaced(rng: random.Random, f: dict[str, object]) -> bool:
    dob = _dob(rng)
    if dob == f["date_of_birth"]:
        return False
    f["date_of_birth"] = dob
    return True


def _dob_digit(rng: random.Random, f: dict[str, object]) -> bool:
    """One digit of the date keyed wrong, or two neighbouring digits the wrong way round."""
    dob = f["date_of_birth"]
    assert isinstance(dob, dt.date)
    digits = list(dob.strftime("%Y%m%d"))
    for _ in range(10):
        changed = digits.copy()
        i = rng.randrange(2, 8)  # the century is never mistyped
        if rng.random() < 0.5 and i < 7 and changed[i] != changed[i + 1]:
            changed[i], changed[i + 1] = changed[i + 1], changed[i]
        else:
            changed[i] = rng.choice([d for d in "0123456789" if d != digits[i]])
        text = "".join(changed)
        try:
            new = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            continue
        if new != dob:
            f["date_of_birth"] = new
            return True
    return False


def _dob_and_postcode(rng: random.Random, f: dict[str, object]) -> bool:
    changed = _dob_digit(rng, f) if rng.random() < 0.5 else _dob_replaced(rng, f)
    return changed and _move(rng, f, None)


def _address_move(rng: random.Random, f: dict[str, object]) -> bool:
    """A move within the same town: a new address line and postcode."""
    return _move(rng, f, _area_of(str(f["town"])))


def _missing_postcode(rng: random.Random, f: dict[str, object]) -> bool:
    if f["postcode"] == UNKNOWN_POSTCODE:
        return False
    f["postcode"] = UNKNOWN_POSTCODE
    return True


def _missing_town(rng: random.Random, f: dict[str, object]) -> bool:
    if not f["town"]:
        return False
    f["town"] = ""
    return True


def _given_replaced(rng: random.Random, f: dict[str, object]) -> bool:
    given = str(f["given_name"])
    new = _given(rng, _sex_of(rng, int(str(f["gender"]))))
    if same_given(new, given) or new == f["middle_name"]:
        return False
    f["given_name"] = new
    return True


def _swap_typo(rng: random.Random, f: dict[str, object]) -> bool:
    given, family = str(f["given_name"]), str(f["family_name"])
    if given == family:
        return False
    f["given_name"], f["family_name"] = family, given
    key = "given_name" if rng.random() < 0.5 else "family_name"
    changed = typo(rng, str(f[key]))
    if changed is None:
        f["given_name"], f["family_name"] = given, family
        return False
    f[key] = changed
    return True


def _initial_given(rng: random.Random, f: dict[str, object]) -> bool:
    given = str(f["given_name"])
    if len(given) < 2:
        return False
    f["given_name"] = given[0].upper()
    return True


def _middle_as_given(rng: random.Random, f: dict[str, object]) -> bool:
    if not f["middle_name"]:
        return False
    f["given_name"], f["middle_name"] = f["middle_name"], ""
    return True


Change = Callable[[random.Random, dict[str, object]], bool]
_DATE_KINDS: dict[str, Change] = {
    "dob_replaced": _dob_replaced, "dob_digit": _dob_digit, "dob_and_postcode": _dob_and_postcode,
}
_PLACE_KINDS: dict[str, Change] = {
    "address_move": _address_move, "missing_postcode": _missing_postcode, "missing_town": _missing_town,
}
_NAME_KINDS: dict[str, Change] = {
    "given_replaced": _given_replaced, "swap_typo": _swap_typo, "initial_given": _initial_given,
    "middle_as_given": _middle_as_given,
}


_NEIGHBOURS = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc", "g": "ftyhbv", "h": "gyujnb",
    "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop", "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol",
    "q": "wa", "r": "edft", "s": "awedxz", "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc",
    "y": "tghu", "z": "asx",
}


def typo(rng: random.Random, name: str) -> str | None:
    """One keyboard edit (substitution, transposition, deletion or insertion) to a letter of `name`."""
    positions = [i for i, c in enumerate(name) if c.isalpha()]
    if len(positions) < 2:
        return None
    for _ in range(5):
        i = positions[rng.randrange(1, len(positions))] if rng.random() < 0.9 else positions[0]
        c = name[i]
        near = _NEIGHBOURS.get(c.lower(), "aeiou")
        new_char = near[rng.randrange(len(near))]
        new_char = new_char.upper() if c.isupper() else new_char
        edit = rng.randrange(4)
        if edit == 0:
            result = name[:i] + new_char + name[i + 1:]
        elif edit == 1:
            if i + 1 >= len(name) or not name[i + 1].isalpha():
                continue
            pair = name[i + 1] + c
            if i == 0:
                pair = pair[0].upper() + pair[1].lower()
            result = name[:i] + pair + name[i + 2:]
        elif edit == 2:
            if len(positions) < 3:
                continue
            result = name[:i] + name[i + 1:]
            if i == 0:
                result = result[:1].upper() + result[1:]
        else:
            extra = c.lower() if rng.random() < 0.5 else new_char.lower()
            result = name[:i + 1] + extra + name[i + 1:]
        if result != name and len(result) <= MAX_NAME_LENGTH:
            return result
    return None


_NO_DECOMPOSITION = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss"})


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _has_marks(name: str) -> bool:
    return strip_accents(name) != name or any(c in name for c in "'- ")


def restyle(rng: random.Random, name: str) -> str:
    """The same name as another system keys it: capitals, accents or punctuation lost or changed."""
    options = [name.upper()]
    plain = strip_accents(name)
    if plain != name:
        options += [plain, plain, plain.upper()]
    if "'" in name:
        options += [name.replace("'", ""), name.replace("'", ""), name.replace("'", " ")]
    if "-" in name:
        options += [name.replace("-", " ")]
    if " " in name:
        options += [name.replace(" ", "-"), name.replace(" ", "")]
    return options[rng.randrange(len(options))]


# --- output ----------------------------------------------------------------------------------------------


def write(count: int, seed: int, out: Path, duplicate_rate: float = 0.05) -> int:
    """Write learners.csv, truth.csv, corruptions.csv and relations.csv under `out`; return the number of
    duplicate records."""
    return write_learners(generate_learners(count, seed, duplicate_rate), out)


def write_learners(generated: Iterable[GeneratedLearner], out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    duplicates = 0
    names = ("learners", "truth", "corruptions", "relations")
    headers = (LEARNER_COLUMNS, TRUTH_COLUMNS, CORRUPTION_COLUMNS, RELATION_COLUMNS)
    with ExitStack() as stack:
        handles = [stack.enter_context((out / f"{name}.csv").open("w", newline="", encoding="utf-8"))
                   for name in names]  # fmt: skip
        learners, truth, corruptions, relations = (csv.writer(handle) for handle in handles)
        for writer, header in zip((learners, truth, corruptions, relations), headers, strict=True):
            writer.writerow(header)
        for learner in generated:
            learners.writerow(learner.as_row())
            truth.writerow((learner.record_id, learner.person_id))
            for kind in filter(None, learner.corruption.split(",")):
                corruptions.writerow((learner.record_id, kind))
            if learner.relation:
                relations.writerow((learner.related_to, learner.record_id, learner.relation))
            duplicates += bool(learner.corruption)
    return duplicates


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--duplicate-rate", type=float, default=0.05)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    duplicates = write(args.count, args.seed, args.out, args.duplicate_rate)
    seconds = time.perf_counter() - started
    print(f"{args.count} learners ({duplicates} duplicates) -> {args.out} in {seconds:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
