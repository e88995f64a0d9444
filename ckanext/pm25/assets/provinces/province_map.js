/* Province map: Thailand's provinces drawn from /pm25/provinces.geojson over the site's base layer
 * if it sets one (none by default: the portal may have no internet), shaded by the number of
 * datasets in the current search. Every province a click chooses is chosen by keyboard too
 * (pm25Maps.keyboard: Tab to the provinces, the arrow keys between them by name, Enter).
 *
 * mode "search": clicking a province filters the search by it (the `provinces` facet, the same
 * filter as the facet list); clicking the selected province removes the filter.
 * mode "province": the province page; the province is outlined and zoomed to, clicking another
 * province opens its page.
 *
 * After CKAN's htmx search updates, the state is read again from #pm25-map-state (rendered
 * with the facets).
 */
this.ckan.module('pm25-province-map', function ($) {
  'use strict';

  var STYLE = {
    base: {color: '#6b7280', weight: 0.6, fillColor: '#e5e7eb', fillOpacity: 0.7},
    some: {fillColor: '#fdae6b'},
    many: {fillColor: '#f16913'},
    selected: {color: '#7f2704', weight: 2.2, fillColor: '#d94801', fillOpacity: 0.85},
    hover: {weight: 2, color: '#111827'}
  };

  function readJSON(value, fallback) {
    if (value === undefined || value === null || value === '') { return fallback; }
    if (typeof value !== 'string') { return value; }
    try { return JSON.parse(value); } catch (e) { return fallback; }
  }

  return {
    options: {
      url: null,
      mode: 'search',
      param: 'provinces',
      selected: '[]',
      counts: '{}',
      focus: '',
      provinceUrl: '/province/CODE',
      lang: 'th',
      tiles: null
    },

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.selected = readJSON(this.options.selected, []);
      this.counts = readJSON(this.options.counts, {});
      this.layers = {};
      var container = this.el.find('.pm25-province-map-canvas')[0] || this.el[0];
      this.map = L.map(container, {
        zoomSnap: 0.25, scrollWheelZoom: false, attributionControl: true, minZoom: 4, maxZoom: 11
      });
      this.map.attributionControl.setPrefix(false);
      this.map.attributionControl.addAttribution('Natural Earth');
      pm25Maps.base(this.map, this.options.tiles);
      this.map.setView([13.0, 101.0], 5, {animate: false});
      container.pm25Map = this.map;  // lets tests and other scripts reach the map
      this.el[0].pm25Module = this;
      $.getJSON(this.options.url).done(this._onData).fail(this._onFail);
      if (this.options.mode === 'search') {
        document.body.addEventListener('htmx:afterSettle', this._onSearchUpdated);
      }
    },

    teardown: function () {
      document.body.removeEventListener('htmx:afterSettle', this._onSearchUpdated);
      if (this.map) { this.map.remove(); }
    },

    name: function (properties) {
      return this.options.lang === 'en' ? properties.name_en : properties.name_th;
    },

    styleFor: function (code) {
      var style = $.extend({}, STYLE.base);
      var count = this.counts[code] || 0;
      if (count > 0) { $.extend(style, count >= 10 ? STYLE.many : STYLE.some); }
      if (this.selected.indexOf(code) !== -1 || this.options.focus === code) {
        $.extend(style, STYLE.selected);
      }
      return style;
    },

    restyle: function () {
      var module = this;
      $.each(this.layers, function (code, layer) { layer.setStyle(module.styleFor(code)); });
      var clear = this.el.find('.pm25-province-map-clear');
      if (this.selected.length) {
        var url = new URL(window.location.href);
        url.searchParams.delete(this.options.param);
        url.searchParams.delete('page');
        clear.attr('href', url.toString()).prop('hidden', false);
      } else {
        clear.prop('hidden', true);
      }
    },

    _onData: function (data) {
      var module = this;
      var places = [];
      var outlines = L.geoJSON(data, {
        style: function (feature) { return module.styleFor(feature.properties.code); },
        onEachFeature: function (feature, layer) {
          var code = feature.properties.code;
          module.layers[code] = layer;
          var count = module.counts[code];
          var label = module.name(feature.properties) + (count ? ' (' + count + ')' : '');
          layer.bindTooltip(label, {sticky: true, direction: 'top'});
          layer.on('click', function () { module.choose(code); });
          layer.on('mouseover', function () { layer.setStyle(STYLE.hover); });
          layer.on('mouseout', function () { layer.setStyle(module.styleFor(code)); });
          layer.on('add', function () {
            var path = layer.getElement();
            if (path) { path.setAttribute('data-province', code); }
          });
          if (module.options.mode === 'search' || code !== module.options.focus) {
            places.push({layer: layer, label: label, role: module.options.mode === 'search' ? 'button' : 'link',
                         open: function () { module.choose(code); }});
          }
        }
      }).addTo(this.map);
      places.sort(function (a, b) { return a.label.localeCompare(b.label, module.options.lang); });
      pm25Maps.keyboard(places);
      var focus = this.options.focus && this.layers[this.options.focus];
      this.map.fitBounds((focus || outlines).getBounds(), {padding: [8, 8], animate: false});
      this.el.addClass('pm25-province-map-ready');
    },

    _onFail: function () {
      this.el.find('.pm25-province-map-canvas').replaceWith(
        $('<p class="pm25-province-map-error"></p>').text(this._('The map of provinces could not be loaded.')));
    },

    _onSearchUpdated: function () {
      var state = document.getElementById('pm25-map-state');
      if (!state) { return; }
      this.selected = readJSON(state.getAttribute('data-selected'), []);
      this.counts = readJSON(state.getAttribute('data-counts'), {});
      this.restyle();
    },

    /* The URL of the current search with `code` selected alone, or removed if it was selected. */
    searchUrl: function (code) {
      var url = new URL(window.location.href);
      var params = url.searchParams;
      var wasSelected = params.getAll(this.options.param).indexOf(code) !== -1;
      params.delete(this.options.param);
      params.delete('page');
      if (!wasSelected) { params.append(this.options.param, code); }
      url.search = params.toString();
      return url.toString();
    },

    choose: function (code) {
      if (this.options.mode === 'search') {
        window.location.assign(this.searchUrl(code));
      } else if (code !== this.options.focus) {
        window.location.assign(this.options.provinceUrl.replace('CODE', encodeURIComponent(code)));
      }
    }
  };
});
