"""Denials on made-up wire copy: one joins the claim it names and no other story; one naming nothing reported stays alone."""

from __future__ import annotations

from search.events import EventTable
from search.models import Article


def article(number: int, source: str, text: str) -> Article:
    return Article(id=f"a{number}", source=source, title="", text=text, date="2024-03-04")


CORPUS = [
    article(1, "Wire", "The ministry said the Velbrook dam had been breached overnight, flooding three villages. "
            "Engineers were sent to the valley."),
    article(2, "Herald", "Officials reported that the Velbrook dam was breached, and water reached three villages. "
            "Rescue crews were on their way."),
    article(3, "Gazette", "The port authority announced record grain exports from Calder harbour this quarter. "
            "Shipping firms welcomed the figures."),
    article(4, "Courier", "Calder harbour shipped record grain exports this quarter, the port authority said. "
            "Traders expect more."),
    article(5, "Post", "Northfield Water denied that Velbrook had been breached and said its engineers had opened "
            "the spillway gates to relieve pressure after a week of heavy spring storms across the upland "
            "catchment. Residents were told to stay calm."),
]  # fmt: skip


def event_with(table: EventTable, words: str):  # type: ignore[no-untyped-def]
    found = [e for e in table.events() if any(words in p.text for p in e.passages)]
    assert len(found) == 1
    return found[0]


def test_a_denial_joins_the_claim_it_names() -> None:
    table = EventTable.build(CORPUS)
    denial = event_with(table, "denied that Velbrook")
    assert {"a1", "a2", "a5"} <= set(denial.articles)
    assert not {"a3", "a4"} & set(denial.articles)  # the harbour story is not what was denied
    assert any(d.kind == "denial" and d.article_id == "a5" for d in denial.differences)


def test_a_denial_of_something_nobody_reported_stays_on_its_own() -> None:
    table = EventTable.build([*CORPUS[:4], article(6, "Post", "The minister denied any plan to close the Ashford "
                                                           "mint, calling the rumour baseless.")])  # fmt: skip
    denial = event_with(table, "denied any plan")
    assert denial.articles == ("a6",) or list(denial.articles) == ["a6"]
