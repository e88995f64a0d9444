"""Lists of objects under keys the schema does not nest are passed on as JSON text (pure)."""
from __future__ import annotations

from ckanext.pm25.dataset.unknown_keys import lists_of_objects_as_json


def test_lists_of_objects_become_json_text_except_where_a_schema_nests_them() -> None:
    data = {"title": "x", "contacts": [{"name": "ก"}, {}], "data_type": [{}, None],
            "resources": [{"url": "http://x"}], "tags": [{"name": "pm25"}], "sections": [{"a": 1}],
            "pollutants": ["PM2.5"], "empty": []}

    prepared = lists_of_objects_as_json(data, frozenset({"sections"}))

    assert prepared == {**data, "contacts": '[{"name": "ก"}, {}]', "data_type": "[{}, null]"}
    assert data["contacts"] == [{"name": "ก"}, {}]  # the caller's dict is left alone


def test_a_dict_without_such_lists_is_returned_as_it_is() -> None:
    data = {"title": "x", "resources": [{"url": "http://x"}]}
    assert lists_of_objects_as_json(data, frozenset()) is data
