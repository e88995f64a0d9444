"""The one change a national catalogue (ckanext-thai_gdc) makes to CKAN that a harvest needs: tags
may hold Thai letters. CKAN's ``tag_name_validator`` (``[\\w \\-.]``) refuses the Thai vowel and
tone marks (Unicode Mn), so a dataset tagged ``เชียงใหม่`` fails whole. ckanext-thai_gdc gives a
validator of that name accepting the Thai block (``ก-๙``) through IValidators; this plugin does the
same, for the second CKAN of tests/dataset/test_national_harvest.py (registered there through an
entry point of its own, so ckanext-pm25 is not loaded in that CKAN)."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk

_THAI_TAG = re.compile(r"[ก-๙\w \-.]+")


def thai_tag_name_validator(value: Any, context: Any) -> Any:
    if not isinstance(value, str) or not _THAI_TAG.fullmatch(value):
        raise tk.Invalid(f'Tag "{value}" must be Thai or alphanumeric characters or symbols: -_.')
    return value


class ThaiTagsPlugin(plugins.SingletonPlugin):
    plugins.implements(plugins.IValidators)

    def get_validators(self) -> dict[str, Any]:
        return {"tag_name_validator": thai_tag_name_validator}
