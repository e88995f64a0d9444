/* "My area": the "use my location" button, shown only where the browser can locate. The browser
 * asks the person first; the position, rounded to two decimals (about 1 km), goes to the page as
 * lat and lon. A refusal or failure is said in words, and the typed name still works.
 */
this.ckan.module('pm25-my-area', function ($) {
  'use strict';

  function rounded(value) { return Math.round(value * 100) / 100; }

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
      url.searchParams.set('lat', rounded(position.coords.latitude));
      url.searchParams.set('lon', rounded(position.coords.longitude));
      window.location.assign(url.toString());
    },

    _onRefused: function () {
      this.status.text(this.options.refused);
    }
  };
});
