"""The plugins and the test app, kept from one test to the next while the configuration they were
made from is unchanged.

CKAN's ``with_plugins`` loads every plugin before each test and unloads them after it, and its
``app`` fixture builds a new Flask app, which loads every plugin once more. Each costs more than
half a second, before every one of more than a thousand tests, and repeats the same work whenever
the configuration is the same as for the test before. Here a load is skipped when the configuration
before it equals the one the loaded plugins were made from and the same plugin objects are still
loaded; the configuration they produced is then put back, so the test sees what a fresh load gives.
A test with other settings (a ``ckan_config`` mark, a different plugin list) or after code that
loaded or unloaded plugins itself gets a real load, as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ckan.plugins
from ckan.common import config
from ckan.plugins import core as plugins_core


# Set by CKAN's own test app factory before it builds an app; the plugins do not read it.
_NOT_READ_BY_PLUGINS = frozenset({"testing"})


def _snapshot() -> dict[str, Any]:
    return dict(config)


def _same_for_plugins(one: dict[str, Any], other: dict[str, Any] | None) -> bool:
    if other is None:
        return False
    keys = (one.keys() | other.keys()) - _NOT_READ_BY_PLUGINS
    return all(one.get(key) == other.get(key) for key in keys)


def _loaded_objects() -> tuple[int, ...]:
    return tuple(id(plugins_core._PLUGINS_SERVICE[name]) for name in plugins_core._PLUGINS)


@dataclass
class Loaded:
    """What the last real load was made from (``before``), what it left in the configuration
    (``after``), the plugin objects it loaded, and the test app built on them, if any."""

    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    objects: tuple[int, ...] = ()
    app: Any = None

    def still_loaded(self) -> bool:
        return self.after is not None and self.objects == _loaded_objects()

    def restore(self) -> None:
        assert self.after is not None
        config.clear()
        config.update(self.after)

    def remember(self, before: dict[str, Any], app: Any = None) -> None:
        self.before, self.after, self.objects, self.app = before, _snapshot(), _loaded_objects(), app


LOADED = Loaded()


def load_plugins() -> None:
    """The plugins of ``ckan.plugins`` loaded, as CKAN's ``with_plugins`` does, unless they already
    are for this very configuration."""
    before = _snapshot()
    if _same_for_plugins(before, LOADED.before) and LOADED.still_loaded():
        LOADED.restore()
        return
    ckan.plugins.load_all()
    LOADED.remember(before)


def app_for_this_config() -> Any:
    """CKAN's test app (a fresh client with no cookies) on a Flask app built for this
    configuration: the one built before when nothing changed since."""
    from ckan.tests.helpers import CKANTestApp, _get_test_app

    current = _snapshot()
    if LOADED.still_loaded() and (_same_for_plugins(current, LOADED.before)
                                   or _same_for_plugins(current, LOADED.after)):
        LOADED.restore()
        if LOADED.app is not None:
            from ckan.lib import app_globals

            app_globals.reset()  # as building the app does: a test before may have changed them
            return CKANTestApp(LOADED.app.app)
        before = LOADED.before
    else:
        before = current
    assert before is not None
    app = _get_test_app()
    LOADED.remember(before, app)
    return app
