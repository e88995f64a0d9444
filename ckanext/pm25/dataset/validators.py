"""Validators of the PM2.5 schema: the same for forms, the action API and harvesters.

Messages come from the pure modules as English msgids and are translated here, so a user reads
them in their language (Thai by default, English under the `/en/` URL prefix).

CKAN runs the field validators of a schema in the alphabetical order of the field names, so a
rule that needs several fields (provinces against the location, the temporal range) runs in the
schema's `after_validators`, when every field has been checked and converted.
"""
from __future__ import annotations

import contextlib
import json
import re
from typing import Any, cast
from collections.abc import Callable

import ckan.plugins.toolkit as tk
from ckan.types import Context, ContextValidator, FlattenDataDict, FlattenErrorDict, FlattenKey, ValueValidator
from ckanext.scheming.validation import scheming_validator

from ckanext.pm25.dataset import dates
from ckanext.pm25.common.messages import N_
from ckanext.pm25.geo import provinces
from ckanext.pm25.geo.errors import GeoError
from ckanext.pm25.provinces import located

OTHER = "อื่นๆ"
# GD-Catalog convention: Thai letters (ก-๙, which includes the vowel and tone marks) plus word
# characters, space, hyphen and dot.
_TAG_NAME = re.compile(r"^[\wก-๙ \-.]*$", re.UNICODE)
# A province named by the user contradicts the location when it lies farther than this from it.
# The shipped boundaries are simplified: a station a few kilometres inside a border may fall
# just outside its province's outline.
PROVINCE_TOLERANCE_DEGREES = 0.05  # about 5 km
# Keys package_show adds to its output (a client may send a package_show result back to
# package_update) and controls of CKAN's dataset form: not data, nothing is lost without them.
NOT_DATA_KEYS = frozenset({
    "organization", "isopen", "num_resources", "num_tags", "license_title", "license_url",
    "metadata_created", "metadata_modified", "creator_user_id", "tracking_summary", "revision_id",
    "revision_timestamp", "relationships", "pkg_name", "save", "_ckan_phase", "_csrf_token", "csrf_token", "return_to",
})
MAX_EXTRA_KEY_LENGTH = 100
# Solr keeps a string field's whole value as one term, and refuses a term longer than this many
# UTF-8 bytes (the whole dataset then fails to index: a server error). Fields of CKAN's schema
# that are tokenised text have no such limit.
MAX_TERM_BYTES = 32766
TEXT_INDEX_FIELDS = frozenset({
    "title", "notes", "author", "author_email", "maintainer", "maintainer_email",
    "resources", "tags", "groups", "extras",
})
_TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
_FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})
# The validation context's key of the geometry `pm25_spatial` validated (a LocatedGeometry).
LOCATED_GEOMETRY = "pm25_located_geometry"

# Messages of CKAN and ckanext-scheming validators used by this schema that CKAN's Thai catalogue
# leaves untranslated: marked here so that the Thai catalogue of this plugin (merged over CKAN's)
# carries them.
CORE_MESSAGES = (
    N_("Email {email} is not a valid format"),
    N_('unexpected choice "%s"'),
    N_("expecting list of strings"),
    N_("Select at least one"),
    N_("Must be a positive integer"),
    N_("There is a schema field with the same name"),
    N_("Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"),
    N_("Value must be one of %s"),
    N_("An organization must be provided"),
)


def _message(error: GeoError | dates.DateError) -> str:
    return tk._(error.message) % error.params


def is_missing(value: Any) -> bool:
    return value is tk.missing or value is None or value == "" or value == [] or value == {}


def _blank(value: Any) -> Any:
    """A missing value for a single-valued field: an empty list or object is stored as "" (as
    an empty field), never as a container the database cannot store or the text "[]"."""
    return "" if isinstance(value, (list, dict)) else value


# --- Tags -----------------------------------------------------------------------------------

def tag_name_validator(value: Any, context: Context) -> Any:
    """CKAN's tag rule, widened to Thai tags (replaces the core validator of the same name)."""
    if not isinstance(value, str) or not _TAG_NAME.match(value):
        raise tk.Invalid(tk._('Tag "%s" can only contain letters (Thai or Latin), digits, spaces, '
                              'hyphens ("-"), underscores ("_") or dots (".")') % value)
    return value


def pm25_tag_string_convert(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                            context: Context) -> None:
    """CKAN's tag_string_convert with the Thai-aware tag rule (the core one calls the core rule).

    At least one tag is required, given as `tag_string` (forms) or as a `tags` list (the API and
    package_show output sent back by package_update)."""
    value = data.get(key)
    if is_missing(value):
        if not any(k[0] == "tags" for k in data if len(k) == 3 and k[2] == "name"):
            errors[key].append(tk._("Missing value"))
        return
    if isinstance(value, str):
        tags = [tag.strip() for tag in value.split(",") if tag.strip()]
    elif isinstance(value, list) and all(isinstance(tag, str) for tag in value):
        tags = [tag.strip() for tag in value if tag.strip()]
    else:
        errors[key].append(tk._("Tags must be text, separated by commas."))
        return
    for number, tag in enumerate(tags):
        data[("tags", number, "name")] = tag
    for tag in tags:
        try:
            cast(ContextValidator, tk.get_validator("tag_length_validator"))(tag, context)
            tag_name_validator(tag, context)
        except tk.Invalid as invalid:
            errors[key].append(invalid.error)


# --- Defaults of the PM2.5 description -------------------------------------------------------

# Context key of a write whose values all come from somewhere else (a harvester's copy of an
# upstream record): the PM2.5 description's defaults are not filled in, so what upstream did
# not say stays empty instead of being invented (a daily hotspot dataset is no hourly
# reference station).
VALUES_FROM_UPSTREAM = "pm25_values_from_upstream"


def pm25_default(default_value: Any) -> Callable[[FlattenKey, FlattenDataDict, FlattenErrorDict, Context], None]:
    """CKAN's ``default``: a missing or empty value becomes ``default_value``, except in a
    write made with :data:`VALUES_FROM_UPSTREAM` in its context, where it is left out as
    ``ignore_missing`` does (the field's choices are not checked against nothing). The form
    preselects the same value (the schema's ``default`` key), so a person sees what the field
    will say."""

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        value = data.get(key)
        if not (value is None or value == "" or value is tk.missing):
            return
        if context.get(VALUES_FROM_UPSTREAM):
            data.pop(key, None)
            raise tk.StopOnError
        data[key] = default_value

    return validator


# --- Licence --------------------------------------------------------------------------------

DEFAULT_LICENSE = "Creative Commons Attributions"


def pm25_default_license(value: Any, context: Context) -> Any:
    return DEFAULT_LICENSE if is_missing(value) else value


def pm25_license_known(value: Any, context: Context) -> Any:
    known = {item["id"] for item in tk.get_action("license_list")({"ignore_auth": True}, {})}
    if not isinstance(value, str) or value not in known:
        raise tk.Invalid(tk._("Unknown licence: %(value)s.") % {"value": str(value)[:100]})
    return value


# --- Dates and numbers ----------------------------------------------------------------------

def pm25_date(value: Any, context: Context) -> Any:
    if is_missing(value):
        return _blank(value)
    try:
        return dates.parse_date(value).isoformat()
    except dates.DateError as error:
        raise tk.Invalid(_message(error)) from error


def pm25_year(value: Any, context: Context) -> Any:
    if is_missing(value):
        return _blank(value)
    try:
        return str(dates.parse_year(value))
    except dates.DateError as error:
        raise tk.Invalid(_message(error)) from error


def _bounded_number(low: float, high: float, message: str) -> Callable[[Any, Context], Any]:
    def validator(value: Any, context: Context) -> Any:
        if is_missing(value):
            return _blank(value)
        try:
            number = float(str(value).strip())
        except ValueError:
            raise tk.Invalid(tk._("Enter a number, e.g. 18.29.")) from None
        if not low <= number <= high:
            raise tk.Invalid(tk._(message) % {"value": str(value).strip()[:30]})
        return str(number)
    return validator


pm25_latitude = _bounded_number(-90, 90, N_("Latitude %(value)s is outside −90 to 90."))
pm25_longitude = _bounded_number(-180, 180, N_("Longitude %(value)s is outside −180 to 180."))


# --- Choices ---------------------------------------------------------------------------------

def pm25_text_choices(value: Any, context: Context) -> Any:
    """Multiple choices are text or a list of texts (scheming's own check fails on other types)."""
    if is_missing(value) or isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise tk.Invalid(tk._("expecting list of strings"))


@scheming_validator
def pm25_choices(field: dict[str, Any], schema: dict[str, Any]) -> Callable[[Any], Any]:
    """scheming_choices, with a refusal that is translated on every CKAN version.

    CKAN 2.11's ``one_of`` puts the list of values into the message before translating it, so
    no catalogue can translate it and Thai users read English; this says the same in theirs."""
    if "choices" not in field:
        scheming_choices = cast(Callable[[dict[str, Any], dict[str, Any]], ValueValidator],
                                tk.get_validator("scheming_choices"))
        return scheming_choices(field, schema)
    allowed = [choice["value"] for choice in field["choices"]]

    def validator(value: Any) -> Any:
        if value != "" and value not in allowed:  # "" is no choice, as CKAN's one_of allows
            raise tk.Invalid(tk._("Value must be one of %s") % allowed)
        return value
    return validator


# --- Choices with an "other" companion --------------------------------------------------------

def _chosen_values(value: Any) -> list[Any]:
    if isinstance(value, str) and value.startswith("["):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if isinstance(value, list):
        return value
    return [] if is_missing(value) else [value]


@scheming_validator
def pm25_other_required(field: dict[str, Any], schema: dict[str, Any]) -> Callable[..., None]:
    """The `<field>_other` text is required when `<field>` is (or includes) its "other" value.

    The schema field says which field it completes (`pm25_other_of`) and, when not อื่นๆ, which
    value means "other" (`pm25_other_value`)."""
    choice_field = field["pm25_other_of"]
    other_value = field.get("pm25_other_value", OTHER)

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
        chosen = _chosen_values(data.get((*key[:-1], choice_field)))
        if other_value in chosen and is_missing(data.get(key)):
            errors[key].append(tk._("Say what the other value is."))
    return validator


def pm25_aqi_standard_matches_unit(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                                   context: Context) -> None:
    if data.get((*key[:-1], "unit")) == "AQI" and data.get(key) in (None, "", "none", tk.missing):
        errors[key].append(tk._("AQI values must say which AQI standard they follow."))


# --- Location and provinces -----------------------------------------------------------------

def pm25_spatial(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
    """Valid GeoJSON inside Thailand, reprojected to WGS 84 from `spatial_crs` when given.

    The validated geometry is kept in the context for `pm25_provinces_match_spatial`, and
    remembered by its stored text for the index hook: one read per write."""
    value = data.get(key)
    if is_missing(value):
        data[key] = _blank(value)
        return
    crs_key = (*key[:-1], "spatial_crs")
    crs = data.get(crs_key)
    try:
        record = located.locate(value, None if is_missing(crs) else str(crs))
    except GeoError as error:
        errors[key].append(_message(error))
        return
    data[key] = record.text
    data[crs_key] = "4326"  # the stored geometry is WGS 84 from now on
    cast(dict[str, Any], context)[LOCATED_GEOMETRY] = record


def _names_or_codes(text: str) -> list[str]:
    """A province name with spaces ("Chiang Mai") stays whole; codes may be separated by spaces."""
    if not text or provinces.find_province(text) is not None:
        return [text] if text else []
    return text.split()


def province_codes(value: Any) -> list[str]:
    if is_missing(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise tk.Invalid(tk._("Provinces must be a list of province codes, e.g. [\"TH-52\"].")) from None
        else:
            value = [item for part in re.split(r"[,;\n]+", text) for item in _names_or_codes(part.strip())]
    if not isinstance(value, list):
        value = [value]
    return [str(item).strip() for item in value if str(item).strip()]


def pm25_provinces(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
    """ISO 3166-2:TH codes (names and DOPA numbers are understood too), stored as a JSON list.

    Checked against the location, or derived from it, by `pm25_provinces_match_spatial`."""
    try:
        given = province_codes(data.get(key))
    except tk.Invalid as invalid:
        errors[key].append(invalid.error)
        return
    codes: list[str] = []
    unknown = []
    for item in given:
        province = provinces.find_province(item)
        if province is None:
            unknown.append(item[:40])
        elif province.code not in codes:
            codes.append(province.code)
    if unknown:
        errors[key].append(tk._("Unknown province code: %(codes)s. Use ISO 3166-2:TH codes such as "
                                "TH-52 (Lampang).") % {"codes": ", ".join(unknown[:5])})
        return
    data[key] = json.dumps(sorted(codes))


def stored_geometry(data: FlattenDataDict, errors: FlattenErrorDict,
                     context: Context) -> located.LocatedGeometry | None:
    """The geometry `pm25_spatial` validated and stored; None when there is none or it was refused."""
    spatial = data.get(("spatial",))
    if errors.get(("spatial",)) or is_missing(spatial):
        return None
    record = cast(dict[str, Any], context).get(LOCATED_GEOMETRY)
    if isinstance(record, located.LocatedGeometry) and record.text == spatial:
        # A stored text too large to be read again was never usable for the provinces.
        return record if record.rereadable() else None
    try:
        return located.locate(spatial)
    except GeoError:
        return None  # pm25_spatial has reported it


def _set_converted(data: FlattenDataDict, name: str, value: str) -> None:
    """Change a field after the main run: scheming has already copied it into `extras`."""
    data[(name,)] = value
    for flat_key in list(data):
        if len(flat_key) == 3 and flat_key[0] == "extras" and flat_key[2] == "key" and data[flat_key] == name:
            data[("extras", flat_key[1], "value")] = value


def _province_label(code: str) -> str:
    province = provinces.by_code(code)
    return f"{code} ({province.name_th})" if province else code


def pm25_provinces_match_spatial(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                                 context: Context) -> None:
    """Provinces left empty are filled from the location; provinces given must agree with it."""
    provinces_key = ("provinces",)
    if errors.get(provinces_key) or provinces_key not in data:
        return
    stored = stored_geometry(data, errors, context)
    if stored is None:
        return
    codes = province_codes(data.get(provinces_key))
    if not codes:
        _set_converted(data, "provinces", json.dumps(sorted(stored.located)))
        return
    far = [code for code in codes
           if (outline := stored.places.geometry_of(code)) is not None
           and stored.shape.distance(outline) > PROVINCE_TOLERANCE_DEGREES]
    if far:
        message = (tk._("%(given)s does not contain the location, which lies in %(names)s.") if stored.located
                   else tk._("%(given)s does not contain the location."))
        errors.setdefault(provinces_key, []).append(message % {
            "given": ", ".join(map(_province_label, far)),
            "names": ", ".join(map(_province_label, stored.located))})


def pm25_temporal_range(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                        context: Context) -> None:
    start, end = data.get(("temporal_start",)), data.get(("temporal_end",))
    if is_missing(start) or is_missing(end) or errors.get(("temporal_start",)) or errors.get(("temporal_end",)):
        return
    if str(end) < str(start):
        errors.setdefault(("temporal_end",), []).append(
            tk._("The end of the temporal coverage is before its start."))


# --- Keys the schema does not know ----------------------------------------------------------

def _extra_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _extras_list(data: FlattenDataDict) -> dict[int, dict[str, Any]]:
    extras: dict[int, dict[str, Any]] = {}
    for flat_key, value in data.items():
        if len(flat_key) == 3 and flat_key[0] == "extras" and isinstance(flat_key[1], int):
            extras.setdefault(flat_key[1], {})[flat_key[2]] = value
    return extras


def pm25_keep_unknown_keys(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                           context: Context) -> None:
    """Top-level keys the schema does not know are kept as extras, never dropped silently.

    CKAN's default schema ignores them; a harvested agency dataset may carry fields this schema
    lacks, and they must arrive here without loss. A key also given in `extras` replaces the
    value there: a client changing a kept key sends it as it first sent it."""
    unknown = data.pop(("__extras",), None) or {}
    extras = _extras_list(data)
    seen: dict[str, int] = {}
    for number, extra in sorted(extras.items()):
        if extra.get("deleted"):
            continue
        name = extra.get("key")
        if not isinstance(name, str) or not name.strip():
            continue  # the extras schema reports the missing key
        if name in seen:
            errors.setdefault(("extras_validation",), []).append(tk._('Duplicate key "%s"') % name)
        seen[name] = number
    next_number = max(extras, default=-1) + 1
    for name, value in sorted(unknown.items()):
        if name in NOT_DATA_KEYS or is_missing(value):
            continue
        if len(name) > MAX_EXTRA_KEY_LENGTH:
            errors.setdefault((name[:MAX_EXTRA_KEY_LENGTH],), []).append(
                tk._("Unknown field with a name longer than %(max)s characters.") % {"max": MAX_EXTRA_KEY_LENGTH})
            continue
        if name in seen:  # the key given on its own is the newer word (package_patch of a shown dataset)
            data[("extras", seen[name], "value")] = _extra_value(value)
            continue
        data[("extras", next_number, "key")] = name
        data[("extras", next_number, "value")] = _extra_value(value)
        seen[name] = next_number
        next_number += 1


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(item) for item in value)
    return False


def _without_nul(flat_key: FlattenKey) -> FlattenKey:
    return tuple(part.replace("\x00", "") if isinstance(part, str) else part for part in flat_key)


def pm25_no_nul_characters(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                           context: Context) -> None:
    """Refuses text holding a NUL character, which PostgreSQL cannot store (a server error else),
    naming the field: a key the schema does not know by its own name, not CKAN's ``__extras``."""
    for flat_key, value in list(data.items()):
        if flat_key[-1] == "__extras" and isinstance(value, dict):
            offending = [(*flat_key[:-1], name) for name, item in value.items()
                         if _holds_nul(name) or _holds_nul(item)]
        else:
            offending = [flat_key] if _holds_nul(flat_key[-1]) or _holds_nul(value) else []
        for error_key in offending:
            errors.setdefault(_without_nul(error_key), []).append(
                tk._("The text contains a NUL character (code 0), which cannot be stored."))


def pm25_text(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
    """A text, before a validator of CKAN's that fails on anything else (``clean_format``): the
    field's other validators do not run on a refused value."""
    value = data.get(key)
    if value is None or value is tk.missing or isinstance(value, str):
        return
    errors[key].append(tk._("Must be a text."))
    raise tk.StopOnError


def pm25_boolean(value: Any, context: Context) -> Any:
    """True or false, as a JSON boolean or the words forms and clients send ("True", "false", "1");
    anything else (an empty text or list too: PostgreSQL cannot store it as a boolean) is
    refused instead of silently meaning false (CKAN's boolean_validator)."""
    if value is None or value is tk.missing or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        return value.strip().lower() in _TRUE_WORDS
    raise tk.Invalid(tk._("Enter true or false."))


@scheming_validator
def pm25_max_length(field: dict[str, Any], schema: dict[str, Any]) -> Callable[[Any], Any]:
    """A text of at most the field's `max_length` characters (scheming field option)."""
    limit = int(field["max_length"])

    def validator(value: Any) -> Any:
        if isinstance(value, str) and len(value) > limit:
            raise tk.Invalid(tk._("At most %(max)s characters (this one has %(length)s).")
                             % {"max": limit, "length": len(value)})
        return value

    return validator


def too_long_for_one_term(value: Any) -> bool:
    """Whether the search index would have to hold (an item of) ``value`` as one term longer than Solr allows."""
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogatepass")) > MAX_TERM_BYTES
    if isinstance(value, (list, tuple)):
        return any(too_long_for_one_term(item) for item in value)
    return False


def pm25_index_term_lengths(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                            context: Context) -> None:
    """Refuses a field or kept key whose value the search index would have to hold as one term
    longer than Solr allows, naming the field (Solr's own message is a server error)."""
    for flat_key, value in list(data.items()):
        field = flat_key[0]
        if (field in TEXT_INDEX_FIELDS and field != "extras") or not too_long_for_one_term(value):
            continue
        if field == "extras":
            if flat_key[-1] != "value":
                continue
            error_key: FlattenKey = (str(data.get(("extras", flat_key[1], "key"), "extras")),)
        else:
            error_key = (field,)
        errors.setdefault(error_key, []).append(
            tk._("Too long to be searchable: at most %(max)s bytes of text (UTF-8) in this field.")
            % {"max": MAX_TERM_BYTES})


def get_validators() -> dict[str, Callable[..., Any]]:
    return {
        "pm25_boolean": pm25_boolean,
        "pm25_text": pm25_text,
        "pm25_max_length": pm25_max_length,
        "pm25_index_term_lengths": pm25_index_term_lengths,
        "tag_name_validator": tag_name_validator,
        "pm25_default": pm25_default,
        "pm25_default_license": pm25_default_license,
        "pm25_license_known": pm25_license_known,
        "pm25_tag_string_convert": pm25_tag_string_convert,
        "pm25_date": pm25_date,
        "pm25_year": pm25_year,
        "pm25_latitude": pm25_latitude,
        "pm25_longitude": pm25_longitude,
        "pm25_text_choices": pm25_text_choices,
        "pm25_choices": pm25_choices,
        "pm25_other_required": pm25_other_required,
        "pm25_aqi_standard_matches_unit": pm25_aqi_standard_matches_unit,
        "pm25_spatial": pm25_spatial,
        "pm25_provinces": pm25_provinces,
        "pm25_provinces_match_spatial": pm25_provinces_match_spatial,
        "pm25_temporal_range": pm25_temporal_range,
        "pm25_keep_unknown_keys": pm25_keep_unknown_keys,
        "pm25_no_nul_characters": pm25_no_nul_characters,
    }
