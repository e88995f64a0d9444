/* The low-cost sensor layer of the dashboard map: each sensor of /pm25/sensors.geojson a small
 * ringed dot filled with the Thai AQI colour of its latest value, on the map of the element
 * named by `map` (pm25-aqi-map keeps its Leaflet map on its canvas as `pm25Map`, made when near:
 * pm25Maps.withMap waits for it); the checkbox
 * shows or hides the layer. The tooltip writes the value, so colour never carries meaning alone;
 * clicking a dot opens the sensor's dataset, and so does Enter on it by keyboard (pm25Maps.keyboard:
 * the sensors are a stop of their own after the provinces').
 */
this.ckan.module('pm25-sensor-layer', function ($) {
  'use strict';

  function escape(text) { return $('<span>').text(text === null || text === undefined ? '' : String(text)).html(); }

  return {
    options: {url: null, map: 'pm25-aqi-map'},

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.toggle = this.el.find('.pm25-sensor-toggle-input');
      this.toggle.on('change', this._onToggle);
      var canvas = $('#' + this.options.map).find('.pm25-aqi-map-canvas')[0];
      if (!canvas) { return; }
      // the sensors only once their map is made (when near, see pm25-aqi-map)
      var module = this;
      pm25Maps.withMap(canvas, function (map) {
        module.map = map;
        $.getJSON(module.options.url).done(module._onSensors);
      });
    },

    _onSensors: function (collection) {
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
      if (!this.layer || !this.map) { return; }
      if (this.toggle.is(':checked')) { this.layer.addTo(this.map); } else { this.map.removeLayer(this.layer); }
    }
  };
});
