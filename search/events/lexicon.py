"""Word lists the event engine needs: stopwords, titles, cue words.

Kept in one place so that what counts as a "content word", a title in front
of a name, or a hedge is easy to read and to change. All entries are folded
(lower case, no accents), as ``search.analysis.fold`` produces them.
"""

from __future__ import annotations

import re

from ..analysis import stem

STOPWORDS = frozenset(
    """
    a about above after again against all almost along already also although always am among an and
    another any anyone anything are around as at away back be became because become been before
    being below between both but by can cannot could did do does doing done down during each either
    else enough even ever every few for from further get gets getting go goes going gone got had has
    have having he her here hers herself him himself his how however i if in into is it its itself
    just last least less like made make many may me might more most much must my myself near nearly
    neither never new no nor not now of off often on once one only or other others our ours
    ourselves out over own per perhaps put quite rather really said same say says see seen several
    shall she should since so some something still such than that the their theirs them themselves
    then there these they this those though through thus to too toward towards under until up upon
    us very via was we well were what whatever when where whether which while who whom whose why
    will with within without would yet you your yours yourself yourselves
    mr mrs ms dr according told tell also amid among including include includes included
    s t don didn doesn isn wasn weren won wouldn couldn shouldn hasn haven hadn aren n nt
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight
    week weeks month months year years day days time times
    january february march april june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    two three four five six seven eight nine ten hundred hundreds thousand thousands million millions
    billion
    """.split()
)

# Words written capitalised before a name that are not the name itself.
TITLES = frozenset(
    """
    mr mrs ms miss dr prof sir dame lord lady rev father sheikh mullah maulana hazrat amir saheb sahib
    gen general lt lieutenant col colonel maj major capt captain cpt sgt sergeant cpl corporal pvt
    private adm admiral cmdr commander brig brigadier marshal field
    gov governor sen senator rep representative pres president vice prime minister deputy chief
    secretary spokesman spokeswoman spokesperson ambassador judge justice king queen prince princess
    former late acting interim
    """.split()
)

# Lower-case words that may sit inside a name: "Bank of England", "Osama bin Laden".
NAME_CONNECTORS = frozenset("of al el bin ibn de la le van von der den du da dos di y ul ud".split())

CUE_PATTERNS: dict[str, re.Pattern[str]] = {
    "hedge": re.compile(
        r"\b(?:unverified|unconfirmed|reportedly|allegedly|purportedly|apparently|supposedly|"
        r"(?:is|are|was|were) (?:believed|said|thought|understood) to|"
        r"could not (?:be )?(?:independently )?(?:verif(?:y|ied)|confirm(?:ed)?)|"
        r"not (?:been )?independently (?:verified|confirmed)|rumou?r(?:s|ed)?|speculat\w+|"
        r"(?:may|might|could) have|possibly|unclear)\b",
        re.I,
    ),
    "attribution": re.compile(
        r"\b(?:according to|reports? (?:say|said|says|had|have|has|indicated?|suggests?|suggested)|"
        r"sources? (?:said|say|says|told)|quoted (?:\w+ ){0,3}as saying|as quoted by|"
        r"said in a statement|in a statement|tweeted|posted on|wrote on|told (?:reporters|\w+ news)|"
        r"media reported|reported that|(?:was|were) reported)\b",
        re.I,
    ),
    "claim": re.compile(
        r"\b(?:claim(?:s|ed|ing)?|asserts?|asserted|insist(?:s|ed)?|alleg(?:e|es|ed|ing|ation|ations)|"
        r"accus(?:e|es|ed|ing)|boast(?:s|ed)?)\b",
        re.I,
    ),
    "denial": re.compile(
        r"\b(?:den(?:y|ies|ied|ying|ial|ials)|refut(?:e|es|ed|ing)|reject(?:s|ed|ing)?|"
        r"dismiss(?:es|ed|ing)?|false|untrue|not true|baseless|unfounded|fake news|rubbish)\b",
        re.I,
    ),
}

# Words every news report uses whatever it is about: reporting verbs and the
# commonest nouns of war, politics and business. In a corpus of a few
# articles every word looks rare; these keep "said" or "forces" from making
# two passages look alike. They still count, at GENERIC_FACTOR.
GENERIC_WORDS = """
say said says saying told tell tells report reported reports reporting quote quoted quoting add added
state stated statement claim claimed claims confirm confirmed announce announced believe believed
tweet tweeted post posted write wrote news media source sources official officials spokesman
people group groups force forces country countries area areas region regions government state
leader leaders member members part side sides way thing things place places number numbers
use used using make made take took taken give gave given come came go went want wanted need needed
show showed shown call called help helped try tried keep kept hold held lead led leading
first second third last next later earlier former latest recent recently current new old
major big large small long high low great good bad little many much several various other
continue continued continuing begin began start started end ended include including
also still however meanwhile already even just well back away
percent pct mln bln billion million dlrs company companies market markets share shares price prices
""".split()
GENERIC_STEMS = frozenset(stem(word) for word in GENERIC_WORDS)
GENERIC_FACTOR = 0.3
