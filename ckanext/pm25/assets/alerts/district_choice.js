/* The alert form's district list (participation/views.py): once a province is chosen, only its
 * districts are offered; a district of another province, chosen before, is let go. Without
 * JavaScript every district is offered, grouped by province, and the server checks the pair. */
ckan.module('pm25-alert-districts', function ($) {
  'use strict';
  return {
    initialize: function () {
      var districts = this.el;
      var province = $('#' + this.options.province);
      var follow = function () {
        var chosen = province.val();
        districts.find('optgroup').each(function () {
          var group = $(this);
          var offered = !chosen || group.data('province') === chosen;
          group.prop('hidden', !offered).prop('disabled', !offered);
        });
        if (districts.find('option:selected').parent('optgroup').prop('disabled')) {
          districts.val('');
        }
      };
      province.on('change', follow);
      follow();
    }
  };
});
