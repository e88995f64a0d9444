"""Clicking a Leaflet map in the headless browser where it draws a place."""
from __future__ import annotations

from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By


def click_where_drawn(browser: Any, canvas: Any, lat: float, lon: float) -> None:
    """A real mouse click on the map element (which keeps its map as ``pm25Map``) where it draws
    this point, the element being where it will stay until the click."""
    x, y = browser.execute_script(
        "var p = arguments[0].pm25Map.latLngToContainerPoint([arguments[1], arguments[2]]); return [p.x, p.y];",
        canvas, lat, lon)
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(x - size["width"] / 2), int(y - size["height"] / 2)).click().perform()


def click_on_map_at(browser: Any, canvas_selector: str, lat: float, lon: float) -> None:
    """A real mouse click where the map drawn in ``canvas_selector`` shows this point."""
    canvas = browser.find_element(By.CSS_SELECTOR, canvas_selector)
    # Instantly: the theme scrolls smoothly, and a click during the scroll lands elsewhere.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", canvas)
    click_where_drawn(browser, canvas, lat, lon)
