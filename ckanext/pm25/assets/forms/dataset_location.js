/* The dataset page's location map: the province outlines (its provinces highlighted and named in
 * the page's language) and the dataset's geometry over them, over the site's base layer if it sets
 * one (no tiles otherwise). A click on one of its provinces opens the province's page, and so
 * does Enter on it by keyboard (pm25Maps.keyboard); the same links are listed below the map.
 */
this.ckan.module('pm25-dataset-location', function ($) {
  'use strict';

  var OUTLINE = {color: '#9ca3af', weight: 0.5, fillColor: '#f3f4f6', fillOpacity: 0.8};
  var CHOSEN = {color: '#7f2704', weight: 1.5, fillColor: '#fdae6b', fillOpacity: 0.8};
  var SHAPE = {color: '#b91c1c', weight: 2, fillColor: '#ef4444', fillOpacity: 0.3};

  function parsed(value, fallback) {
    if (value === undefined || value === null || value === '') { return fallback; }
    if (typeof value !== 'string') { return value; }
    try { return JSON.parse(value); } catch (error) { return fallback; }
  }

  return {
    options: {outlines: null, lang: 'th', provinces: '[]', geometry: null, provinceUrl: '/province/CODE', tiles: null},

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.provinces = parsed(this.options.provinces, []);
      this.el.prop('hidden', false);
      this.map = L.map(this.el[0], {scrollWheelZoom: false, minZoom: 4, maxZoom: 13, zoomSnap: 0.25});
      this.map.attributionControl.setPrefix(false);
      this.map.attributionControl.addAttribution('Natural Earth');
      pm25Maps.base(this.map, this.options.tiles);
      this.map.fitBounds([[5.6, 97.3], [20.5, 105.7]]);
      this.el[0].pm25Map = this.map;
      var geometry = parsed(this.options.geometry, null);
      if (geometry) {
        this.shape = L.geoJSON(geometry, {
          style: function () { return SHAPE; },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {radius: 7, color: '#7f1d1d', weight: 2, fillColor: '#ef4444', fillOpacity: 0.9});
          }
        }).addTo(this.map);
        this.map.fitBounds(this.shape.getBounds(), {maxZoom: 7, padding: [20, 20]});
      }
      if (this.options.outlines) {
        $.getJSON(this.options.outlines).done(this._onOutlines);
      }
    },

    teardown: function () {
      if (this.map) { this.map.remove(); }
    },

    _onOutlines: function (data) {
      var module = this;
      var chosen = [];
      var outlines = L.geoJSON(data, {
        style: function (feature) {
          return module.provinces.indexOf(feature.properties.code) !== -1 ? CHOSEN : OUTLINE;
        },
        onEachFeature: function (feature, layer) {
          var name = module.options.lang === 'en' ? feature.properties.name_en : feature.properties.name_th;
          var isChosen = module.provinces.indexOf(feature.properties.code) !== -1;
          layer.bindTooltip(name, {permanent: isChosen, direction: 'center', className: 'pm25-province-label'});
          if (!isChosen) { return; }
          var open = function () {
            window.location.href = module.options.provinceUrl.replace('CODE', encodeURIComponent(feature.properties.code));
          };
          layer.on('click', open);
          chosen.push({layer: layer, label: name, open: open});
        }
      }).addTo(this.map);
      outlines.bringToBack();
      pm25Maps.keyboard(chosen);
      // The dataset's provinces and its geometry together, so a station is seen in its province.
      var bounds = chosen.length ? L.featureGroup(chosen.map(function (place) { return place.layer; })).getBounds() : null;
      if (this.shape) {
        bounds = bounds ? bounds.extend(this.shape.getBounds()) : this.shape.getBounds();
      }
      if (bounds && bounds.isValid()) {
        this.map.fitBounds(bounds, {maxZoom: 8, padding: [10, 10]});
      }
      this.el.addClass('pm25-dataset-location-ready');
    }
  };
});
