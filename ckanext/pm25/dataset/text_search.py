"""What a typed search means (issue 14): every word of it, Thai or English.

Thai is written without spaces, and CKAN's default query parser (``dismax``) splits a query on
spaces only: the Thai tokenizer then turns ``ฝุ่นลำปาง`` into two *optional* clauses, so any dataset
about dust or about Lampang matched. ``edismax`` (splitting after analysis, ``sow=false`` by
default) applies ``mm`` to the words the tokenizer found, so with ``mm=100%`` every word must
match, in Thai as in English (``PM2.5`` no longer matches anything that merely holds a "5").

``mm`` at 100% would make an English stop word ("air quality *in* Lampang") a word every result
must hold, and a query-side stop filter cannot help: ``name`` and ``tags`` are string fields
that keep the word as a clause of their own. So English stop words are left out of a plain query
before it reaches Solr. Pure: no CKAN.
"""
from __future__ import annotations

import re
from typing import Any

# Lucene's English stop set (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET), less the operators.
ENGLISH_STOP_WORDS = frozenset({
    "a", "an", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "of", "on", "such", "that", "the", "their", "then", "there", "these", "they", "this",
    "to", "was", "will", "with", "and", "or", "not",
})
OPERATORS = frozenset({"AND", "OR", "NOT"})
# Query syntax a user typed on purpose (a field, a phrase, a group, a boost, a wildcard, …).
_SYNTAX = re.compile(r'[:"(){}\[\]^~*?\\]|(?:^|\s)[+-]')
MATCH_ALL = frozenset({"*:*", '""', "''"})


def is_plain(query: str) -> bool:
    """Words only, no Solr syntax."""
    return not _SYNTAX.search(query) and not (set(query.split()) & OPERATORS)


def without_stop_words(query: str) -> str:
    """The query without English stop words; the query as it is if nothing else is left."""
    kept = [word for word in query.split() if word.lower() not in ENGLISH_STOP_WORDS]
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
