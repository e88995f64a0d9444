/* What every map of ours shares (after Leaflet, before the maps' modules):
 *
 * pm25Maps.base(map, tiles): the site's base layer, `ckanext.pm25.map.tile_url` with its
 *   attribution (h.pm25_map_tiles, the map element's data-module-tiles); none when the site sets
 *   none, so no tile is requested (the portal may have no internet).
 *
 * pm25Maps.whenNear(element, start): start() once the element is within half a screen of being
 *   seen (at once where the browser cannot tell), so a map below the fold of a phone's screen
 *   fetches and draws its outlines only if the reader scrolls towards it.
 *
 * pm25Maps.leaflet(urls, ready, failed): ready() once Leaflet is there, fetching it first from
 *   `urls` (h.pm25_leaflet_scripts, a map's data-module-leaflet) where the page did not load it,
 *   once for all the maps of the page; failed() if a script cannot be fetched.
 *
 * pm25Maps.made(canvas, map) and pm25Maps.withMap(canvas, use): a map made late (when near, on
 *   Leaflet fetched then) is kept on its canvas as `pm25Map`; the layers drawn over it (sensors,
 *   hotspots) wait for it with withMap rather than for a fixed time.
 *
 * pm25Maps.keyboard(places): the places a click opens (areas, markers), reached and opened
 *   without a mouse. The places are one stop of the Tab order (the last one focused, else the
 *   first); the arrow keys move between them in the given order (the order of the table beside
 *   the map), Home and End to the first and last; Enter or Space opens the focused one. The
 *   focused place is outlined and shows its tooltip. Tab and Shift+Tab leave the map as usual.
 *   Each place: {layer, label (what a screen reader says), open (a function), role ('link' or
 *   'button')}. A place whose layer is not on the map (a hidden layer) is skipped, and one drawn
 *   again (Leaflet makes a new element each time) is set up again.
 */
window.pm25Maps = (function () {
  'use strict';

  var NEXT = {ArrowRight: 1, ArrowDown: 1, Right: 1, Down: 1, ArrowLeft: -1, ArrowUp: -1, Left: -1, Up: -1};

  function parsed(value) {
    if (!value) { return {}; }
    if (typeof value !== 'string') { return value; }
    try { return JSON.parse(value); } catch (error) { return {}; }
  }

  function text(value) {
    var holder = document.createElement('span');
    holder.textContent = value === null || value === undefined ? '' : String(value);
    return holder.innerHTML;
  }

  function base(map, tiles) {
    tiles = parsed(tiles);
    if (!tiles.url) { return null; }
    return L.tileLayer(tiles.url, {
      attribution: text(tiles.attribution || ''), maxZoom: 19, className: 'pm25-base-tiles'
    }).addTo(map);
  }

  function whenNear(element, start) {
    if (!('IntersectionObserver' in window)) { start(); return; }
    var observer = new IntersectionObserver(function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) { return; }
      observer.disconnect();
      start();
    }, {rootMargin: '50% 0px'});
    observer.observe(element);
  }

  var leafletWaiting = null;

  function leaflet(urls, ready, failed) {
    if (window.L) { ready(); return; }
    if (leafletWaiting) { leafletWaiting.push({ready: ready, failed: failed}); return; }
    leafletWaiting = [{ready: ready, failed: failed}];
    var scripts = parsed(urls);
    if (!Array.isArray(scripts)) { scripts = []; }
    function settle(outcome) {
      var waiting = leafletWaiting;
      leafletWaiting = null;
      waiting.forEach(function (wait) { if (wait[outcome]) { wait[outcome](); } });
    }
    function next(index) {
      if (index >= scripts.length) { settle(window.L ? 'ready' : 'failed'); return; }
      var script = document.createElement('script');
      script.src = scripts[index];
      script.onload = function () { next(index + 1); };
      script.onerror = function () { settle('failed'); };
      document.head.appendChild(script);
    }
    next(0);
  }

  function made(canvas, map) {
    canvas.pm25Map = map;
    canvas.dispatchEvent(new CustomEvent('pm25:map'));
  }

  function withMap(canvas, use) {
    if (canvas.pm25Map) { use(canvas.pm25Map); return; }
    canvas.addEventListener('pm25:map', function () { use(canvas.pm25Map); }, {once: true});
  }

  function keyboard(places) {
    var current = 0;

    function element(place) { return place.layer.getElement ? place.layer.getElement() : null; }
    function shown(place) { var path = element(place); return path && path.isConnected ? path : null; }

    function rove() {
      var stop = shown(places[current]) ? current : -1;
      places.forEach(function (place, index) {
        var path = shown(place);
        if (!path) { return; }
        if (stop === -1) { stop = index; }
        path.setAttribute('tabindex', index === stop ? '0' : '-1');
      });
    }

    function focus(index) {
      var path = shown(places[index]);
      if (!path) { return; }
      current = index;
      rove();
      path.focus({preventScroll: true});
    }

    function move(from, step) {
      for (var tried = 0, index = from; tried < places.length; tried++) {
        index = (index + step + places.length) % places.length;
        if (shown(places[index])) { focus(index); return; }
      }
    }

    function edge(step) {
      var index = step > 0 ? -1 : places.length;
      move(index, step);
    }

    function reveal(place) {
      var map = place.layer._map;
      if (!map) { return; }
      var where = place.layer.getLatLng ? place.layer.getLatLng() : place.layer.getBounds().getCenter();
      if (!map.getBounds().contains(where)) { map.panTo(where, {animate: false}); }
      place.layer.openTooltip();
    }

    function setUp(place, index) {
      var path = element(place);
      if (!path || path.pm25Place) { return; }
      path.pm25Place = true;
      path.classList.add('pm25-map-place');
      path.setAttribute('role', place.role || 'link');
      path.setAttribute('aria-label', place.label);
      path.setAttribute('tabindex', '-1');
      path.addEventListener('focus', function () { current = index; rove(); reveal(place); });
      path.addEventListener('blur', function () { place.layer.closeTooltip(); });
      path.addEventListener('keydown', function (event) {
        if (NEXT[event.key]) { move(index, NEXT[event.key]); }
        else if (event.key === 'Home') { edge(1); }
        else if (event.key === 'End') { edge(-1); }
        else if (event.key === 'Enter' || event.key === ' ' || event.key === 'Spacebar') { place.open(); }
        else { return; }
        event.preventDefault();
        event.stopPropagation();
      });
    }

    places.forEach(function (place, index) {
      place.layer.on('add', function () { setUp(place, index); rove(); });
      setUp(place, index);
    });
    rove();
    return {refresh: rove};
  }

  return {base: base, whenNear: whenNear, leaflet: leaflet, made: made, withMap: withMap, keyboard: keyboard};
})();
