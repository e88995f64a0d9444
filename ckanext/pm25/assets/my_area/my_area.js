/* "My area": the "use my location" button, shown only where the browser can locate. The browser
 * asks the person first; the position, cut after its second decimal (about 1 km; the server and
 * the logs cut the same way: readings/coarse_point.py), goes to the page as lat and lon. A refusal
 * or failure is said in words, and the typed name still works.
 */
this.ckan.module('pm25-my-area', function ($) {
  'use strict';

  // on the decimal text (not value * 100, which floating point can put just below a step)
  function coarse(value) { return value.toFixed(6).replace(/^(-?\d+\.\d{2})\d*$/, '$1'); }

  return {
    options: {locating: '', refused: ''},

    initialize: function () {
      $.proxyAll(this, /_on/);
      if (!('geolocation' in navigator)) { return; }
      this.status = this.el.find('.pm25-my-area-status');
      this.el.find('.pm25-my-area-locate').prop('hidden', false)
        .find('button').on('click', this._onLocate);
    },

    _onLocate: function () {
      this.status.text(this.options.locating);
      navigator.geolocation.getCurrentPosition(this._onPosition, this._onRefused,
                                               {enableHighAccuracy: false, timeout: 15000, maximumAge: 600000});
    },

    _onPosition: function (position) {
      var url = new URL(this.el.attr('action'), window.location.href);
      url.searchParams.set('lat', coarse(position.coords.latitude));
      url.searchParams.set('lon', coarse(position.coords.longitude));
      window.location.assign(url.toString());
    },

    _onRefused: function () {
      this.status.text(this.options.refused);
    }
  };
});
