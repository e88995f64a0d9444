"""The pure rules of province alerts: the Thai day, the tokens, one spelling per address."""
from __future__ import annotations

from datetime import datetime, timezone

from ckanext.pm25.participation import rules


def test_the_day_of_one_mail_a_day_is_the_thai_day() -> None:
    assert rules.thai_day(datetime(2026, 12, 7, 16, 59, tzinfo=timezone.utc)).isoformat() == "2026-12-07"
    assert rules.thai_day(datetime(2026, 12, 7, 17, 0, tzinfo=timezone.utc)).isoformat() == "2026-12-08"


def test_an_unsubscribe_token_is_the_same_for_a_subscription_and_differs_by_secret_and_subscription() -> None:
    token = rules.unsubscribe_token("secret", "a1")
    assert token == rules.unsubscribe_token("secret", "a1")
    assert token != rules.unsubscribe_token("other secret", "a1")
    assert token != rules.unsubscribe_token("secret", "a2")
    assert len(token) == 43 and "=" not in token  # 256 bits, URL-safe, no padding


def test_only_hashes_are_stored_and_confirmation_tokens_never_repeat() -> None:
    token = rules.new_token()
    assert rules.token_hash(token) != token and len(rules.token_hash(token)) == 64
    assert len({rules.new_token() for _ in range(1000)}) == 1000


def test_an_address_has_one_spelling() -> None:
    assert rules.normalise_email("  Somchai.K@Example.ORG ") == "somchai.k@example.org"
