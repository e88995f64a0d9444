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
_THAI = re.compile("[\u0e00-\u0e7f]")


def is_plain(query: str) -> bool:
    """Words only, no Solr syntax."""
    return not _SYNTAX.search(query) and not (set(query.split()) & OPERATORS)


def without_stop_words(query: str) -> str:
    """The query without its words that are stop words (Thai or English)."""
    return " ".join(word for word in query.split() if word.lower() not in STOP_WORDS)


def is_stop_words_only(word: str) -> bool:
    """``word`` is a stop word, or Thai stop words written together (``ข้อมูลของ``): Solr's query
    analyzer would leave nothing of it to search for. English is written with spaces ("bean" is
    not "be" "an")."""
    word = word.lower()
    if not _THAI.search(word):
        return word in STOP_WORDS
    # can_end[i]: word[:i] is stop words written together
    can_end = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        can_end[end] = any(can_end[start] and word[start:end] in STOP_WORDS for start in range(end))
    return bool(word) and can_end[-1]


def every_word_must_match(search_params: dict[str, Any]) -> dict[str, Any]:
    """``search_params`` (package_search's, before CKAN sends them to Solr) set so that a typed
    query matches datasets holding every word of it. A client's own ``defType`` or ``mm`` stays,
    and a query written in Solr's syntax is left as written."""
    query = search_params.get("q")
    if not isinstance(query, str) or not query.strip() or query.strip() in MATCH_ALL:
        return search_params
    if "defType" in search_params:
        return search_params
    if is_plain(query):
        if all(is_stop_words_only(word) for word in query.split()):
            # Nothing left to search for ("ข้อมูล", data): every dataset, as for an empty box.
            search_params["q"] = "*:*"
            return search_params
        search_params["q"] = without_stop_words(query)
    search_params["defType"] = "edismax"
    search_params.setdefault("mm", "100%")
    return search_params
