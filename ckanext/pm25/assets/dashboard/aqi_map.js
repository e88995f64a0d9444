/* The dashboard map: every province filled with the Thai AQI colour of its 24-hour mean PM2.5
 * (white when current without one, grey when not current: the fill comes from the server), outlines from /pm25/provinces.geojson (no tiles: the portal may have no
 * internet). The tooltip writes the value and band name, so colour never carries meaning alone;
 * clicking a province opens its page.
 */
this.ckan.module('pm25-aqi-map', function ($) {
  'use strict';

  var NO_DATA = {fill: '#F3F4F6', status: 'no_data', text: ''};

  function escape(text) { return $('<span>').text(text === null || text === undefined ? '' : String(text)).html(); }

  function readJSON(value, fallback) {
    if (value === undefined || value === null || value === '') { return fallback; }
    if (typeof value !== 'string') { return value; }
    try { return JSON.parse(value); } catch (e) { return fallback; }
  }

  return {
    options: {url: null, provinceUrl: '/province/CODE', provinces: '{}', lang: 'th', failed: ''},

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.provinces = readJSON(this.options.provinces, {});
      var container = this.el.find('.pm25-aqi-map-canvas')[0] || this.el[0];
      this.map = L.map(container, {zoomSnap: 0.25, scrollWheelZoom: false, minZoom: 4, maxZoom: 10});
      this.map.attributionControl.setPrefix(false);
      this.map.attributionControl.addAttribution('Natural Earth');
      this.map.setView([13.0, 101.0], 5);
      container.pm25Map = this.map;
      $.getJSON(this.options.url).done(this._onOutlines).fail(this._onFail);
    },

    teardown: function () { if (this.map) { this.map.remove(); } },

    info: function (code) { return this.provinces[code] || NO_DATA; },

    label: function (code, properties) {
      var info = this.info(code);
      var name = info.name || (this.options.lang === 'en' ? properties.name_en : properties.name_th);
      return '<strong>' + escape(name) + '</strong><br>' + escape(info.text || '');
    },

    _onOutlines: function (collection) {
      var module = this;
      this.layer = L.geoJSON(collection, {
        style: function (feature) {
          var code = feature.properties.code;
          var info = module.info(code);
          return {
            color: '#4B5563', weight: 0.7, fillOpacity: 0.9, fillColor: info.fill,
            dashArray: info.status === 'stale' ? '3 3' : null,
            className: 'pm25-province pm25-province-' + code + ' pm25-status-' + info.status
          };
        },
        onEachFeature: function (feature, layer) {
          var code = feature.properties.code;
          layer.bindTooltip(module.label(code, feature.properties), {sticky: true});
          layer.on('click', function () {
            window.location.href = module.options.provinceUrl.replace('CODE', code);
          });
          layer.on('mouseover', function () { layer.setStyle({weight: 2, color: '#111827'}); });
          layer.on('mouseout', function () { module.layer.resetStyle(layer); });
          layer.on('add', function () {
            var path = layer.getElement && layer.getElement();
            if (path) { path.setAttribute('data-code', code); }
          });
        }
      }).addTo(this.map);
      this.map.fitBounds(this.layer.getBounds(), {padding: [4, 4]});
      this.el.attr('data-ready', 'true');
    },

    _onFail: function () {
      this.el.find('.pm25-aqi-map-canvas').html($('<p class="pm25-map-error">').text(this.options.failed));
    }
  };
});
