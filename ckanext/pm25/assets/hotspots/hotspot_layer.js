/* The hotspots of the last 24 hours as a layer of the dashboard map (#pm25-aqi-map, made by
 * pm25-aqi-map, which this module's element follows in the page): one small circle per
 * detection, its tooltip saying when (Thai time), which satellite, the confidence and the fire
 * radiative power, so colour never carries meaning alone. Attribution "NASA FIRMS" on the map.
 */
this.ckan.module('pm25-hotspot-layer', function ($) {
  'use strict';

  var COLOURS = {high: '#B91C1C', nominal: '#EA580C', low: '#F59E0B'};

  function escape(text) { return $('<span>').text(text === null || text === undefined ? '' : String(text)).html(); }

  function thaiTime(iso) {
    var when = new Date(iso);
    if (isNaN(when.getTime())) { return iso; }
    var local = new Date(when.getTime() + 7 * 3600 * 1000);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(local.getUTCDate()) + '/' + two(local.getUTCMonth() + 1) + '/' + local.getUTCFullYear() +
      ' ' + two(local.getUTCHours()) + ':' + two(local.getUTCMinutes());
  }

  return {
    options: {url: null, map: 'pm25-aqi-map', lang: 'th', label: 'Fire hotspot', failed: ''},

    initialize: function () {
      $.proxyAll(this, /_on/);
      var holder = document.getElementById(this.options.map);
      var canvas = holder && (holder.querySelector('.pm25-aqi-map-canvas') || holder);
      if (!canvas) { return; }
      // the hotspots only once their map is made (when near, see pm25-aqi-map)
      var module = this;
      pm25Maps.withMap(canvas, function (map) {
        module.map = map;
        map.attributionControl.addAttribution('NASA FIRMS');
        $.getJSON(module.options.url).done(module._onHotspots).fail(module._onFail);
      });
    },

    teardown: function () { if (this.layer && this.map) { this.map.removeLayer(this.layer); } },

    label: function (properties) {
      var confidence = properties.confidence || '';
      if (properties.confidence_pct !== null && properties.confidence_pct !== undefined) {
        confidence += ' (' + properties.confidence_pct + '%)';
      }
      return '<strong>' + escape(this.options.label) + '</strong><br>' +
        escape(thaiTime(properties.acquired_utc)) + '<br>' +
        escape(properties.instrument + ' ' + properties.satellite) + ' · ' + escape(confidence) +
        (properties.frp !== null && properties.frp !== undefined ? '<br>FRP ' + escape(properties.frp) + ' MW' : '');
    },

    _onHotspots: function (collection) {
      var module = this;
      this.layer = L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          var colour = COLOURS[feature.properties.confidence] || COLOURS.nominal;
          return L.circleMarker(latlng, {
            radius: 4, weight: 1, color: '#7F1D1D', fillColor: colour, fillOpacity: 0.9,
            className: 'pm25-hotspot pm25-hotspot-' + (feature.properties.province || '')
          });
        },
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(module.label(feature.properties));
        }
      }).addTo(this.map);
      this.el.find('.pm25-hotspot-count').text(collection.count).attr('data-count', collection.count);
      this.el.attr('data-ready', 'true');
    },

    _onFail: function () {
      this.el.find('.pm25-hotspot-count').text(this.options.failed);
    }
  };
});
