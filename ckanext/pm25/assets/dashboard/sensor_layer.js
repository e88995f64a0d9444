/* The low-cost sensor layer of the dashboard map: each sensor of /pm25/sensors.geojson a small
 * ringed dot filled with the Thai AQI colour of its latest value, on the map of the element
 * named by `map` (pm25-aqi-map keeps its Leaflet map on its canvas as `pm25Map`); the checkbox
 * shows or hides the layer. The tooltip writes the value, so colour never carries meaning alone;
 * clicking a dot opens the sensor's dataset, and so does Enter on it by keyboard (pm25Maps.keyboard:
 * the sensors are a stop of their own after the provinces').
 */
this.ckan.module('pm25-sensor-layer', function ($) {
  'use strict';

  var TRIES = 100;

  function escape(text) { return $('<span>').text(text === null || text === undefined ? '' : String(text)).html(); }

  return {
    options: {url: null, map: 'pm25-aqi-map'},

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.tries = 0;
      this.toggle = this.el.find('.pm25-sensor-toggle-input');
      this.toggle.on('change', this._onToggle);
      $.getJSON(this.options.url).done(this._onSensors);
    },

    map: function () {
      var canvas = $('#' + this.options.map).find('.pm25-aqi-map-canvas')[0];
      return canvas ? canvas.pm25Map : null;
    },

    _onSensors: function (collection) {
      var map = this.map();
      if (!map) {
        if (this.tries++ < TRIES) { window.setTimeout(this._onSensors.bind(this, collection), 100); }
        return;
      }
      var places = [];
      this.layer = L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          var latest = feature.properties.latest || {};
          var band = latest.aqi_th || {};
          return L.circleMarker(latlng, {radius: 4, weight: 2, color: '#1F2937',
                                         fillColor: band.colour || '#FFFFFF', fillOpacity: 1,
                                         className: 'pm25-sensor'});
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          var source = (p.source && p.source.data_source) || '';
          layer.bindTooltip('<strong>' + escape(p.title) + '</strong><br>' + escape(p.text) +
                            '<br><small>' + escape(source) + '</small>');
          var open = function () { window.location.href = p.url; };
          layer.on('click', open);
          places.push({layer: layer, open: open, label: p.title + (p.text ? ': ' + p.text : '')});
        }
      });
      pm25Maps.keyboard(places);
      this._onToggle();
      this.el.attr('data-ready', 'true');
    },

    _onToggle: function () {
      var map = this.map();
      if (!this.layer || !map) { return; }
      if (this.toggle.is(':checked')) { this.layer.addTo(map); } else { map.removeLayer(this.layer); }
    }
  };
});
