/* The location field of the dataset form: a map of Thailand's provinces (vector outlines from
 * the gazetteer, over the site's base layer if it sets one) where a click sets a point, and latitude/longitude inputs; both write
 * the GeoJSON into the field's textarea, which is what the form submits. Typing GeoJSON in the
 * textarea draws it. Coordinates entered here are WGS 84, so the coordinate system field is set
 * back to EPSG:4326 when they write.
 */
this.ckan.module('pm25-location-picker', function ($) {
  'use strict';

  var THAILAND = [[5.6, 97.3], [20.5, 105.7]];
  var OUTLINE = {color: '#6b7280', weight: 0.7, fillColor: '#f3f4f6', fillOpacity: 0.8};
  var SHAPE = {color: '#b91c1c', weight: 2, fillColor: '#ef4444', fillOpacity: 0.3};
  var DECIMALS = 6;

  function round(value) {
    var factor = Math.pow(10, DECIMALS);
    return Math.round(value * factor) / factor;
  }

  function number(text) {
    var value = parseFloat(String(text).replace(',', '.'));
    return isFinite(value) && /^\s*-?\d+([.,]\d+)?\s*$/.test(String(text)) ? value : null;
  }

  return {
    options: {outlines: null, lang: 'th', tiles: null},

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.textarea = this.el.find('textarea');
      this.latitude = this.el.find('[data-pm25-coordinate=lat]');
      this.longitude = this.el.find('[data-pm25-coordinate=lon]');
      this.crs = $('#field-spatial_crs');
      this.el.find('.pm25-location-picker').prop('hidden', false);
      var canvas = this.el.find('.pm25-location-map')[0];
      this.map = L.map(canvas, {scrollWheelZoom: false, minZoom: 4, maxZoom: 15, zoomSnap: 0.25});
      this.map.attributionControl.setPrefix(false);
      this.map.attributionControl.addAttribution('Natural Earth');
      pm25Maps.base(this.map, this.options.tiles);
      this.map.fitBounds(THAILAND);
      canvas.pm25Map = this.map;  // lets tests and other scripts reach the map
      this.el[0].pm25Module = this;
      this.map.on('click', this._onMapClick);
      this.latitude.add(this.longitude).on('change', this._onCoordinates);
      this.textarea.on('change', this._onText);
      if (this.options.outlines) {
        $.getJSON(this.options.outlines).done(this._onOutlines);
      }
      this.draw(this.textarea.val(), true);
    },

    teardown: function () {
      if (this.map) { this.map.remove(); }
    },

    name: function (properties) {
      return this.options.lang === 'en' ? properties.name_en : properties.name_th;
    },

    _onOutlines: function (data) {
      var module = this;
      this.outlines = L.geoJSON(data, {
        style: function () { return OUTLINE; },
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(module.name(feature.properties), {sticky: true, direction: 'top'});
        }
      }).addTo(this.map);
      this.outlines.bringToBack();
      this.el.addClass('pm25-location-ready');
    },

    _onMapClick: function (event) {
      this.setPoint(event.latlng.lat, event.latlng.lng);
    },

    _onCoordinates: function () {
      var lat = number(this.latitude.val());
      var lon = number(this.longitude.val());
      if (lat !== null && lon !== null) {
        this.setPoint(lat, lon);
        this.map.panTo([lat, lon]);
      }
    },

    _onText: function () {
      this.draw(this.textarea.val(), true);
    },

    /* Sets the location to the point (lat, lon): inputs, GeoJSON and the map. */
    setPoint: function (lat, lon) {
      lat = round(lat);
      lon = round(lon);
      this.latitude.val(lat);
      this.longitude.val(lon);
      this.textarea.val(JSON.stringify({type: 'Point', coordinates: [lon, lat]}));
      if (this.crs.length) { this.crs.val('4326').trigger('change'); }
      this.draw(this.textarea.val(), false);
    },

    /* Draws the GeoJSON text (WGS 84) if it is some; a point also fills the inputs. */
    draw: function (text, fit) {
      if (this.shape) { this.map.removeLayer(this.shape); this.shape = null; }
      var geometry;
      try { geometry = JSON.parse(text); } catch (error) { return; }
      var crs = this.crs.val();
      if (!geometry || typeof geometry !== 'object' || (crs && crs !== '4326')) { return; }
      try {
        this.shape = L.geoJSON(geometry, {
          style: function () { return SHAPE; },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {radius: 7, color: '#7f1d1d', weight: 2, fillColor: '#ef4444', fillOpacity: 0.9});
          }
        }).addTo(this.map);
      } catch (error) {
        this.shape = null;
        return;
      }
      if (geometry.type === 'Point' && geometry.coordinates) {
        this.longitude.val(geometry.coordinates[0]);
        this.latitude.val(geometry.coordinates[1]);
      }
      if (fit && this.shape.getBounds().isValid()) {
        this.map.fitBounds(this.shape.getBounds(), {maxZoom: 9, padding: [20, 20]});
      }
    }
  };
});
