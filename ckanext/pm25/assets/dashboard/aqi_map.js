/* The dashboard map: every province filled with the Thai AQI colour of its 24-hour mean PM2.5
 * (white when current without one, grey when not current: the fill comes from the server),
 * outlines from /pm25/provinces.geojson, over the site's base layer if it sets one (none by
 * default: the portal may have no internet). The tooltip writes the value and band name,
 * so colour never carries meaning alone; clicking a province opens its page, and so does Enter on
 * it by keyboard (pm25Maps.keyboard: Tab to the map's provinces, the arrow keys from one to the
 * next in the order of the table below, worst first).
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
    options: {url: null, provinceUrl: '/province/CODE', provinces: '{}', lang: 'th', failed: '', tiles: null,
              leaflet: '[]'},

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.provinces = readJSON(this.options.provinces, {});
      this.container = this.el.find('.pm25-aqi-map-canvas')[0] || this.el[0];
      // Leaflet, the map and its outlines (140 kB, 77 shapes to draw) only once the map is about
      // to be seen: on a phone it is below the fold, and the table has the same figures
      var module = this;
      pm25Maps.whenNear(this.container, function () {
        pm25Maps.leaflet(module.options.leaflet, module._onLeaflet, module._onFail);
      });
    },

    _onLeaflet: function () {
      this.map = L.map(this.container, {zoomSnap: 0.25, scrollWheelZoom: false, minZoom: 4, maxZoom: 10});
      this.map.attributionControl.setPrefix(false);
      this.map.attributionControl.addAttribution('Natural Earth');
      pm25Maps.base(this.map, this.options.tiles);
      this.map.setView([13.0, 101.0], 5);
      pm25Maps.made(this.container, this.map);
      $.getJSON(this.options.url).done(this._onOutlines).fail(this._onFail);
    },

    teardown: function () { if (this.map) { this.map.remove(); } },

    info: function (code) { return this.provinces[code] || NO_DATA; },

    label: function (code, properties) {
      var info = this.info(code);
      var name = info.name || (this.options.lang === 'en' ? properties.name_en : properties.name_th);
      return '<strong>' + escape(name) + '</strong><br>' + escape(info.text || '');
    },

    open: function (code) {
      window.location.href = this.options.provinceUrl.replace('CODE', code);
    },

    _onOutlines: function (collection) {
      var module = this;
      var byCode = {};
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
          byCode[code] = {layer: layer, properties: feature.properties};
          layer.bindTooltip(module.label(code, feature.properties), {sticky: true});
          layer.on('click', function () { module.open(code); });
          layer.on('mouseover', function () { layer.setStyle({weight: 2, color: '#111827'}); });
          layer.on('mouseout', function () { module.layer.resetStyle(layer); });
          layer.on('add', function () {
            var path = layer.getElement && layer.getElement();
            if (path) { path.setAttribute('data-code', code); }
          });
        }
      }).addTo(this.map);
      // the table's order (worst first), then any province the table lacks
      var order = Object.keys(this.provinces).concat(Object.keys(byCode).sort());
      var seen = {};
      pm25Maps.keyboard(order.filter(function (code) {
        var fresh = byCode[code] && !seen[code];
        seen[code] = true;
        return fresh;
      }).map(function (code) {
        var info = module.info(code);
        var name = info.name || (module.options.lang === 'en' ? byCode[code].properties.name_en : byCode[code].properties.name_th);
        return {layer: byCode[code].layer, label: name + (info.text ? ': ' + info.text : ''),
                open: function () { module.open(code); }};
      }));
      this.map.fitBounds(this.layer.getBounds(), {padding: [4, 4]});
      this.el.attr('data-ready', 'true');
    },

    _onFail: function () {
      this.el.find('.pm25-aqi-map-canvas').html($('<p class="pm25-map-error">').text(this.options.failed));
    }
  };
});
