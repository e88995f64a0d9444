"""The readings actions answer a body of a shape navl cannot take (a list mixing objects and other
values), which also holds a number JSON cannot write back, with a validation error in the user's
language: on CKAN 2.11 it was a 500 (the fuzz test's finding), since CKAN's own answer echoes the
data back."""
from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("with_plugins")

BODY = '{"stations": Infinity, "": [{}, []]}'
THAI = re.compile("[\u0e00-\u0e7f]")


@pytest.mark.parametrize(("prefix", "thai"), [("/en", False), ("", True)])
def test_a_list_mixing_objects_and_values_is_refused_in_words(app: Any, prefix: str, thai: bool) -> None:
    answer = app.post(f"{prefix}/api/3/action/pm25_measurements", data=BODY,
                      headers={"Content-Type": "application/json"}, status=409)
    texts = [text for value in answer.json["error"].values() if isinstance(value, list)
             for text in value if isinstance(text, str)]
    assert texts and all(bool(THAI.search(text)) == thai for text in texts), texts
