"""Clicking a Leaflet map in the headless browser where it draws a place."""
from __future__ import annotations

from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By


def click_on_map_at(browser: Any, canvas_selector: str, lat: float, lon: float) -> None:
    """A real mouse click where the map (whose element keeps it as ``pm25Map``) draws this point."""
    canvas = browser.find_element(By.CSS_SELECTOR, canvas_selector)
    # Instantly: the theme scrolls smoothly, and a click during the scroll lands elsewhere.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", canvas)
    x, y = browser.execute_script(
        "var p = arguments[0].pm25Map.latLngToContainerPoint([arguments[1], arguments[2]]); return [p.x, p.y];",
        canvas, lat, lon)
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(x - size["width"] / 2), int(y - size["height"] / 2)).click().perform()
