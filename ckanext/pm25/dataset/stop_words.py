"""Words a search need not find (issue 14): the one list that Solr's stop filter and the
query rewrite (text_search.py) both read, so that they agree. Pure: no CKAN.

Thai: function words (of, and, at, in, with, or, from, by, for, which, that, is), the polite
and question particles people end a typed request with, and the catalogue's own filler:
``ข้อมูล`` (data: every dataset is data), ``ค่า`` (the value of: ``ค่าฝุ่น``, ``ค่าเฉลี่ย`` keep
their meaning without it) and ``ขอ``/``หน่อย`` (asking for it). Lucene's Thai list
(``lang/stopwords_th.txt``) is not used: it holds words users need here, ``ราย`` and ``วัน`` of
``รายวัน`` (daily), ``การ`` of ``การเผา`` (burning), ``ไม่`` (not), ``ทุก``, ``หลัง``.

dev/solr/make_schema.py writes THAI_STOP_WORDS as the core's ``stopwords_th.txt``.
"""
from __future__ import annotations

THAI_STOP_WORDS = frozenset({
    # function words
    "ของ", "และ", "ที่", "ใน", "กับ", "หรือ", "จาก", "แห่ง", "โดย", "สำหรับ", "เพื่อ", "ซึ่ง",
    "ว่า", "คือ",
    # particles closing a request or a question
    "ครับ", "ค่ะ", "คะ", "นะ", "บ้าง", "ไหม", "หน่อย",
    # the catalogue's filler
    "ข้อมูล", "ค่า", "ขอ",
})

# Lucene's English stop set (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET), less the operators.
ENGLISH_STOP_WORDS = frozenset({
    "a", "an", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "of", "on", "such", "that", "the", "their", "then", "there", "these", "they", "this",
    "to", "was", "will", "with", "and", "or", "not",
})

STOP_WORDS = THAI_STOP_WORDS | ENGLISH_STOP_WORDS


def solr_stop_words_file(words: frozenset[str]) -> str:
    """``words`` as a stop word file for Solr's StopFilterFactory: one a line, sorted."""
    return "".join(f"{word}\n" for word in sorted(words))
