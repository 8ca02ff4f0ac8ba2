"""The queries each benchmark runs, by kind, chosen to fit each corpus family.

Fixed lists rather than words sampled from the index: a fixed workload keeps
runs comparable across engine changes, and each list mixes common words
(long posting lists, the slow case) with rarer ones.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("one word", "two words", "phrase", "misspelled name", "date-filtered")


@dataclass(frozen=True, slots=True)
class Query:
    kind: str
    text: str
    since: str | None = None
    until: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "text": self.text, "since": self.since, "until": self.until}


def _set(
    one: list[str],
    two: list[str],
    phrases: list[str],
    misspelled: list[str],
    dated: list[str],
    window: tuple[str, str],
) -> list[Query]:
    return [
        *(Query("one word", q) for q in one),
        *(Query("two words", q) for q in two),
        *(Query("phrase", f'"{q}"') for q in phrases),
        *(Query("misspelled name", q) for q in misspelled),
        *(Query("date-filtered", q, *window) for q in dated),
    ]


_REUTERS_WORDS = dict(
    one=["oil", "bank", "cocoa", "dollar", "shares", "tonnes", "coffee", "inflation"],
    two=[
        "oil prices",
        "interest rates",
        "trade deficit",
        "central bank",
        "crude output",
        "stock split",
        "grain exports",
        "money supply",
    ],
    phrases=[
        "interest rates",
        "trade deficit",
        "central bank",
        "money supply",
        "oil prices",
        "stock exchange",
        "net loss",
        "federal reserve",
    ],
    # Volcker, Yeutter, Nakasone, Stoltenberg, Reagan, Baldrige, Gorbachev, Miyazawa
    misspelled=["Volker", "Yeuter", "Nakasne", "Stoltenburg", "Reagen", "Baldridge", "Gorbachov", "Miyazwa"],
    dated=["oil", "bank", "dollar", "shares", "wheat", "profit", "gold", "tax"],
)

QUERY_SETS: dict[str, list[Query]] = {
    "seeds": _set(
        one=["Panjshir", "Taliban", "Pakistan", "drones", "resistance"],
        two=["Taliban Panjshir", "Pakistan drones", "resistance forces", "air support"],
        phrases=["Panjshir Valley", "National Resistance Front", "Ahmad Massoud", "air support"],
        misspelled=["Dashti", "Masood", "Panjsher", "Pakistn"],
        dated=["Taliban", "Panjshir", "resistance", "Kabul"],
        window=("2021-09-06", "2021-09-06"),
    ),
    "reuters": _set(**_REUTERS_WORDS, window=("1987-03-01", "1987-03-31")),
    "synthetic": _set(**_REUTERS_WORDS, window=("2016-03-01", "2016-05-31")),
    "headlines": _set(
        one=["obama", "oil", "china", "bank", "election", "shares", "euro", "apple"],
        two=[
            "oil prices",
            "interest rates",
            "european union",
            "stock market",
            "central bank",
            "north korea",
            "greek debt",
            "bond yields",
        ],
        phrases=[
            "north korea",
            "federal reserve",
            "oil prices",
            "wall street",
            "european union",
            "central bank",
            "hong kong",
            "white house",
        ],
        # Merkel, Bernanke, Sarkozy, Berlusconi, Netanyahu, Erdogan, Hollande, Obama
        misspelled=[
            "Merkle",
            "Bernanki",
            "Sarkozi",
            "Berlusconni",
            "Netanyhu",
            "Erdogn",
            "Holande",
            "Obamma",
        ],
        dated=["oil", "bank", "china", "shares", "euro", "election", "dollar", "fed"],
        window=("2012-01-01", "2012-12-31"),
    ),
}


def queries_for(family: str, quick: bool = False) -> list[Query]:
    """The query set for a corpus family; ``quick`` keeps two of each kind."""
    queries = QUERY_SETS[family]
    if not quick:
        return queries
    kept: list[Query] = []
    for kind in KINDS:
        kept.extend([q for q in queries if q.kind == kind][:2])
    return kept
