"""Small closed word lists: grammar, calendar, titles and kind cues.

Why lists at all: without a trained model, the only way to tell `General
Sahib Abdul Wadood Zhor` (a rank, an honorific, a name) from a name is to know
the handful of words that are titles. These lists are general English news
vocabulary, closed classes that do not grow with a corpus. They never name a
person, a place or an organisation: those come from the corpus itself.

All entries are folded (lower case, no accents), as produced by
``search.analysis.fold``.
"""

from __future__ import annotations

# Function and discourse words: capitalised only because they open a sentence
# or a heading, never names on their own.
FUNCTION_WORDS = frozenset(
    """
    a an the and or but nor if then else so yet not no nor of in on at to for from by with
    without within into onto upon over under about above below after before during since until
    while although though because as than like unlike per via among amid amidst between
    across along around behind beyond despite except inside outside through throughout toward
    towards against near
    i me my mine we us our ours you your yours he him his she her hers it its they them their
    theirs this that these those there here who whom whose which what when where why how
    all any both each every either neither some many much more most other others another such
    few several one none own same
    is are was were be been being am do does did done have has had having will would shall should
    can could may might must let lets
    also however meanwhile moreover furthermore nevertheless nonetheless notably besides still
    instead indeed thus hence therefore otherwise likewise accordingly according
    earlier later last next first second third finally initially previously recently currently
    today tonight yesterday tomorrow now just even only again already ever never often
    yes okay ok please thanks thank dear hello hi
    """.split()
)

WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun".split()
)
MONTHS = frozenset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)
TIME_WORDS = WEEKDAYS | MONTHS

# Person titles, ranks and honorifics that stand before a name. Multi-word
# titles are built from these plus QUALIFIERS (`Vice President`, `Lt Gen`).
PERSON_TITLES = frozenset(
    """
    mr mrs ms miss mx dr doctor prof professor sir dame lord lady madam madame mme monsieur herr frau
    senor senora signor shri sri smt
    president premier chancellor minister secretary governor senator sen congressman congresswoman
    representative rep ambassador envoy mayor deputy speaker chairman chairwoman chairperson chair
    spokesman spokeswoman spokesperson commissioner director treasurer councillor councilor
    king queen prince princess emperor empress duke duchess baron baroness sheikh sheik emir amir
    sultan caliph pope cardinal bishop archbishop rabbi reverend rev imam mullah maulvi maulana mawlawi
    mufti ayatollah hojatoleslam haji hajji hajj hazrat qari janab sahib saheb sahab
    general gen lieutenant lt major maj colonel col captain capt commander cmdr commandant brigadier
    brig admiral adm sergeant sgt corporal cpl marshal commodore
    justice judge attorney prosecutor
    """.split()
)

# Titles that are also common given names (Amir Khan Muttaqi): a title only
# when another title follows (`Amir Saheb Ahmad Masoud`).
AMBIGUOUS_TITLES = frozenset("amir emir sultan".split())

# Words that may precede a title inside the title itself: `Former First Vice
# President`, `Lt Gen`, `Foreign Minister`, `Attorney General`.
QUALIFIERS = frozenset(
    """
    former late acting interim caretaker deputy vice first second third senior junior chief prime
    assistant associate executive managing supreme grand high under principal special
    foreign finance defence defense interior home trade justice health oil energy agriculture
    economy economic economics labour labor education information intelligence security state
    federal national regional provincial district army navy naval air police military affairs
    """.split()
)

# Words hyphenated to a title that keep it a title: `President-elect`, `Minister-designate`.
TITLE_SUFFIXES = frozenset("elect designate".split())

# Words hyphenated before a title: `Ex-President`, `Vice-President` (with QUALIFIERS).
TITLE_PREFIXES = frozenset("ex".split())

# Abbreviations written with a dot that does not end a sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt cmdr adm sgt cpl brig rev sen rep gov st mt ft jr sr no messrs".split()
)

# How abbreviated titles are written out, so `Lt Gen`, `Lieutenant-General`
# and `Lt. Gen.` are one role.
TITLE_EXPANSIONS = {
    "gen": "general",
    "lt": "lieutenant",
    "col": "colonel",
    "maj": "major",
    "capt": "captain",
    "cmdr": "commander",
    "adm": "admiral",
    "sgt": "sergeant",
    "cpl": "corporal",
    "brig": "brigadier",
    "rev": "reverend",
    "sen": "senator",
    "rep": "representative",
    "gov": "governor",
    "prof": "professor",
    "doctor": "dr",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "chairwoman": "chairman",
    "chairperson": "chairman",
    "saheb": "sahib",
    "sahab": "sahib",
    "emir": "amir",
    "sheik": "sheikh",
    "hajji": "haji",
    "hajj": "haji",
    "maulvi": "mawlawi",
    "maulana": "mawlawi",
}

# Forms of address that say nothing about who someone is: not used as
# evidence that two spellings are one person.
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr sir dame lord lady madam madame mme monsieur herr frau senor senora signor "
    "shri sri smt sahib haji hazrat janab qari".split()
)

# Lower-case words that, right before or after a name, say what the person is
# (`spokesperson Fahim Dashti`, `Fahim Dashti, spokesperson of ...`).
ROLE_WORDS = frozenset(
    """
    spokesperson spokesman spokeswoman leader chief commander head president minister general official
    director chairman chairwoman founder co-founder cofounder governor ambassador envoy journalist
    reporter correspondent analyst lawmaker legislator senator secretary adviser advisor aide deputy
    negotiator editor economist banker professor judge lawyer attorney prosecutor king queen prince
    cleric imam mullah mayor premier chancellor diplomat activist militant fighter soldier officer
    colonel captain lieutenant admiral sergeant brigadier marshal warlord strongman dictator ruler
    candidate politician executive manager chief-executive emir amir sheikh representative
    """.split()
)

# Family words: a name beside them is a person (`the son of ...`).
KINSHIP_WORDS = frozenset(
    "son daughter brother sister father mother nephew niece wife husband uncle aunt cousin grandson "
    "granddaughter widow".split()
)

# Words inside a name that make it an organisation.
ORG_WORDS = frozenset(
    """
    front agency ministry network intelligence army party bank corp corporation co inc incorporated ltd
    limited plc llc lp gmbh ag sa nv bv group council committee association union organization
    organisation institute university college company department commission board bureau office
    service services force forces court parliament congress senate assembly federation league movement
    fund trust holdings holding industries airlines airways news times post journal press television
    radio tv exchange authority administration government cabinet police navy guard guards brigade
    brigades division regiment battalion command foundation society center centre club alliance
    coalition taskforce secretariat reserve treasury agreement treaty accord pact convention
    """.split()
)

# Legal suffixes: optional when comparing organisation names (`Standard Oil
# Co` is `Standard Oil`).
LEGAL_SUFFIXES = frozenset(
    "co corp corporation inc incorporated ltd limited plc llc lp gmbh ag sa nv bv sarl srl spa ab as oy "
    "company cie".split()
)

# Words inside a name that make it a place.
PLACE_WORDS = frozenset(
    """
    valley province river mountains mountain mount mt lake sea ocean gulf bay strait island islands
    peninsula desert city county district state region street road avenue square airport port harbour
    harbor canal pass border coast plain plains hills hill forest park bridge village town
    """.split()
)

# Lower-case words after a name that make it a place (`Panjshir province`).
PLACE_NOUNS = frozenset(
    """
    province valley river mountains mountain region district city capital town village county border
    airport port area areas coast
    """.split()
)

# Prepositions that put a name in a place (`in Kabul`, `north of Kabul`).
PLACE_PREPOSITIONS = frozenset("in near outside inside across around".split())
DIRECTIONS = frozenset(
    "north south east west northeast northwest southeast southwest northern southern eastern western".split()
)

# Local place cues: `flew to Washington`, `returned from Jordan` (a movement verb, then to/from) and
# `Jordan's King`, `Jordan's capital` (what only a country or a city has).
MOVEMENT_VERBS = frozenset(
    """
    flew fly flies flying flown travelled traveled travel travels travelling traveling arrived arrive
    arrives arriving fled flee flees fleeing sailed deported expelled evacuated relocated
    """.split()
)
PLACE_OWNED = frozenset(
    """
    king queen monarch emir sultan capital
    """.split()
)

# Verbs of speech right after a name: usually a person (weak: `the NRF said`).
SPEECH_VERBS = frozenset(
    "said says told added stated tweeted wrote declared insisted warned claimed confirmed denied".split()
)

# Lower-case words allowed inside a name between capitalised words.
NAME_PARTICLES = frozenset(
    "bin ibn bint al el ul ud ad ud-din van von der den de del della di da du dos das la le".split()
)
ORG_CONNECTORS = frozenset("of for on and &".split())


# Web page furniture: buttons, captions and links that are capitalised but never a name
# on their own (`Follow us on`, `Image Source : AP`, `Read more`). Whole names only, and
# only phrases or words that no company or person is called: a word such as `Next`, `Home`
# or `Share` can be a name, and the corpus' own casing evidence (`casing.py`) and its
# boilerplate-line rule (``CorpusStats.furniture``) handle those where they are furniture.
WEB_FURNITURE = frozenset(
    (
        "follow",
        "follow us",
        "image source",
        "image credit",
        "photo credit",
        "file photo",
        "read more",
        "read also",
        "also read",
        "click here",
        "subscribe",
        "advertisement",
        "sponsored",
        "share this",
        "watch video",
        "trending",
        "newsletter",
        "sign up",
        "log in",
        "login",
        "top stories",
        "latest news",
        "must read",
        "representational image",
    )
)

# Clock and time-zone words: `11:43 AM IST` names no one.
CLOCK_WORDS = frozenset(
    "am pm ist gmt utc est edt cst cdt mst mdt pst pdt cet cest bst wib jst kst hkt sgt pkt aest aedt "
    "msk eet eest hrs".split()
)
