"""What a typed query is sent to Solr as (dataset/text_search.py, pure): stop words of either
language left out, a query of stop words alone searching for nothing in particular."""
from __future__ import annotations

import pytest

from ckanext.pm25.dataset.text_search import every_word_must_match, is_stop_words_only


@pytest.mark.parametrize(("typed", "sent"), [
    ("PM2.5 ของ เชียงใหม่", "PM2.5 เชียงใหม่"),
    ("ข้อมูล ฝุ่น ลำปาง", "ฝุ่น ลำปาง"),
    ("air quality in Lampang", "air quality Lampang"),
    # unspaced Thai is Solr's to cut: its query analyzer drops ของ after the Thai tokenizer
    ("ข้อมูลฝุ่นของลำปาง", "ข้อมูลฝุ่นของลำปาง"),
    # words users need stay: ราย and วัน (daily), การ (burning), ไม่ (not)
    ("ค่าเฉลี่ยรายวัน", "ค่าเฉลี่ยรายวัน"),
    ("การเผา ไม่ ราย วัน", "การเผา ไม่ ราย วัน"),
])
def test_a_plain_query_loses_its_stop_words_and_every_other_word_must_match(typed: str, sent: str) -> None:
    params = every_word_must_match({"q": typed})
    assert params == {"q": sent, "defType": "edismax", "mm": "100%"}


@pytest.mark.parametrize("typed", ["ข้อมูล", "ข้อมูลของ", "ขอข้อมูลหน่อยครับ", "the", "of the"])
def test_a_query_of_stop_words_alone_matches_every_dataset(typed: str) -> None:
    assert every_word_must_match({"q": typed}) == {"q": "*:*"}


@pytest.mark.parametrize("word", ["bean", "beat", "ข้อมูลฝุ่น", "ของขวัญ", "PM2.5ของ"])
def test_a_word_that_only_begins_or_is_spelled_with_stop_words_is_searched(word: str) -> None:
    assert not is_stop_words_only(word)


def test_a_query_in_solr_syntax_keeps_its_stop_words() -> None:
    assert every_word_must_match({"q": 'title:"ฝุ่นของลำปาง"'})["q"] == 'title:"ฝุ่นของลำปาง"'
