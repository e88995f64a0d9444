"""What a typed search means (issue 14): every word of it, Thai or English.

Thai is written without spaces, and CKAN's default query parser (``dismax``) splits a query on
spaces only: the Thai tokenizer then turns ``ฝุ่นลำปาง`` into two *optional* clauses, so any dataset
about dust or about Lampang matched. ``edismax`` (splitting after analysis, ``sow=false`` by
default) applies ``mm`` to the words the tokenizer found, so with ``mm=100%`` every word must
match, in Thai as in English (``PM2.5`` no longer matches anything that merely holds a "5").

``mm`` at 100% would make a stop word ("air quality *in* Lampang", ``PM2.5 ของ เชียงใหม่``) a
word every result must hold, and a query-side stop filter cannot help: ``name`` and ``tags`` are
string fields that keep the word as a clause of their own. So the stop words of
:mod:`stop_words` standing as words of their own are left out of a plain query before it reaches
Solr; inside unspaced Thai (``ฝุ่นของลำปาง``) Solr's query-side stop filter on the text fields,
written from the same list, drops them after the Thai tokenizer has found them. Pure: no CKAN.
"""
from __future__ import annotations

import re
from typing import Any

from ckanext.pm25.dataset.stop_words import STOP_WORDS

OPERATORS = frozenset({"AND", "OR", "NOT"})
# Query syntax a user typed on purpose (a field, a phrase, a group, a boost, a wildcard, …).
_SYNTAX = re.compile(r'[:"(){}\[\]^~*?\\]|(?:^|\s)[+-]')
MATCH_ALL = frozenset({"*:*", '""', "''"})


def is_plain(query: str) -> bool:
    """Words only, no Solr syntax."""
    return not _SYNTAX.search(query) and not (set(query.split()) & OPERATORS)


def without_stop_words(query: str) -> str:
    """The query without its stop words (Thai or English); the query as it is if nothing else
    is left (Solr's edismax then searches for the stop words themselves)."""
    kept = [word for word in query.split() if word.lower() not in STOP_WORDS]
    return " ".join(kept) if kept else query


def every_word_must_match(search_params: dict[str, Any]) -> dict[str, Any]:
    """``search_params`` (package_search's, before CKAN sends them to Solr) set so that a typed
    query matches datasets holding every word of it. A client's own ``defType`` or ``mm`` stays,
    and a query written in Solr's syntax is left as written."""
    query = search_params.get("q")
    if not isinstance(query, str) or not query.strip() or query.strip() in MATCH_ALL:
        return search_params
    if "defType" in search_params:
        return search_params
    search_params["defType"] = "edismax"
    search_params.setdefault("mm", "100%")
    if is_plain(query):
        search_params["q"] = without_stop_words(query)
    return search_params
