/* A province's stations on a map, each a circle filled with the Thai AQI colour of its latest
 * 24-hour mean (white when current without one: fewer than 18 of 24 hours; grey when not
 * current), over the province outline and the site's base layer if it sets one; the tooltip
 * writes the value and band, clicking opens the station's dataset, and so does Enter on it by
 * keyboard (pm25Maps.keyboard, in the order of the station table below).
 */
this.ckan.module('pm25-station-map', function ($) {
  'use strict';

  var STALE = '#9CA3AF';
  var NONE = '#F3F4F6';
  var INCOMPLETE = '#FFFFFF';

  function escape(text) { return $('<span>').text(text === null || text === undefined ? '' : String(text)).html(); }

  return {
    options: {stations: null, outlines: null, province: '', lang: 'th', failed: '', tiles: null, leaflet: '[]'},

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.container = this.el.find('.pm25-station-map-canvas')[0] || this.el[0];
      var module = this;
      pm25Maps.whenNear(this.container, function () {
        pm25Maps.leaflet(module.options.leaflet, module._onLeaflet, module._onFail);
      });
    },

    _onLeaflet: function () {
      this.map = L.map(this.container, {zoomSnap: 0.25, scrollWheelZoom: false, minZoom: 4, maxZoom: 14});
      this.map.attributionControl.setPrefix(false);
      this.map.attributionControl.addAttribution('Natural Earth');
      pm25Maps.base(this.map, this.options.tiles);
      this.map.setView([13.0, 101.0], 5);
      pm25Maps.made(this.container, this.map);
      var module = this;
      $.when($.getJSON(this.options.outlines), $.getJSON(this.options.stations))
        .done(function (outlines, stations) { module._onData(outlines[0], stations[0]); })
        .fail(this._onFail);
    },

    teardown: function () { if (this.map) { this.map.remove(); } },

    fill: function (latest) {
      if (latest.status === 'current') { return latest.aqi_th ? latest.aqi_th.colour : INCOMPLETE; }
      return latest.status === 'stale' ? STALE : NONE;
    },

    label: function (properties) {
      return '<strong>' + escape(properties.title) + '</strong><br>' + escape(properties.text || '');
    },

    _onData: function (outlines, stations) {
      var module = this;
      var code = this.options.province;
      var places = [];
      var outline = L.geoJSON(outlines, {
        filter: function (feature) { return feature.properties.code === code; },
        style: {color: '#374151', weight: 1.5, fillColor: '#FFFFFF', fillOpacity: 0.6}
      }).addTo(this.map);
      var points = L.geoJSON(stations, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, {
            radius: 8, color: '#111827', weight: 1, fillOpacity: 0.95,
            fillColor: module.fill(feature.properties.latest),
            className: 'pm25-station pm25-status-' + feature.properties.latest.status
          });
        },
        onEachFeature: function (feature, layer) {
          var open = function () { window.location.href = feature.properties.url; };
          layer.bindTooltip(module.label(feature.properties));
          layer.on('click', open);
          places.push({layer: layer, open: open,
                       label: feature.properties.title + (feature.properties.text ? ': ' + feature.properties.text : '')});
        }
      }).addTo(this.map);
      pm25Maps.keyboard(places);
      var bounds = outline.getBounds();
      if (points.getLayers().length) { bounds = bounds.isValid() ? bounds.extend(points.getBounds()) : points.getBounds(); }
      if (bounds.isValid()) { this.map.fitBounds(bounds, {padding: [12, 12], maxZoom: 11}); }
      this.el.attr('data-ready', 'true');
    },

    _onFail: function () {
      this.el.find('.pm25-station-map-canvas').html($('<p class="pm25-map-error">').text(this.options.failed));
    }
  };
});
