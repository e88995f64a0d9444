"""Solr and the query rewrite agree on the Thai stop words: the running core's query analyzer
(written by dev/solr/make_schema.py from dataset/stop_words.py) drops each of them, keeps the
words around them, and leaves the index its words."""
from __future__ import annotations

import pytest
import requests
import ckan.plugins.toolkit as tk

from ckanext.pm25.dataset.stop_words import THAI_STOP_WORDS


def analysed(text: str, side: str) -> list[str]:
    """The terms Solr's ``text`` field makes of ``text`` on the query or the index side."""
    parameter = "analysis.query" if side == "query" else "analysis.fieldvalue"
    answer = requests.get(f"{tk.config['solr_url']}/analysis/field", timeout=30, params={
        "analysis.fieldname": "text", parameter: text, "wt": "json"}).json()
    stages = answer["analysis"]["field_names"]["text"][side]
    return [token["text"] for token in stages[-1]]


@pytest.mark.parametrize("word", sorted(THAI_STOP_WORDS))
def test_solr_drops_each_thai_stop_word_from_a_query(word: str) -> None:
    assert analysed(word, "query") == []


def test_solr_keeps_the_words_around_them_and_the_index_keeps_them_all() -> None:
    assert analysed("ข้อมูลฝุ่นของลำปาง", "query") == ["ฝุ่น", "ลำปาง"]
    assert analysed("ข้อมูลฝุ่นของลำปาง", "index") == ["ข้อมูล", "ฝุ่น", "ของ", "ลำปาง"]


@pytest.mark.parametrize("word", ["รายวัน", "การเผา", "ไม่"])
def test_solr_keeps_the_words_users_need(word: str) -> None:
    assert analysed(word, "query")
