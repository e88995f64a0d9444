/* Conditional groups of the PM2.5 dataset form (GD-Catalog's): a field wrapped in
 * [data-pm25-show-when='{"data_type": [...]}'] is shown only while data_type has one of those
 * values; one wrapped in [data-pm25-other-of="objective"] (the text completing an "other"
 * choice) only while that field has its "other" value. A field showing an error stays visible.
 * Hidden fields keep their values. Without JavaScript every field is visible.
 */
this.ckan.module('pm25-conditional-fields', function ($) {
  'use strict';

  return {
    initialize: function () {
      $.proxyAll(this, /_on/);
      this.form = this.el.closest('form');
      this.form.on('change', 'select, input', this._onChange);
      this.update();
      this.el.addClass('pm25-conditional-ready');
    },

    /* The values currently chosen in the field `name` (select, checkboxes or radios). */
    valuesOf: function (name) {
      var values = [];
      this.form.find('[name="' + name + '"]').each(function () {
        var input = $(this);
        if (input.is('select')) {
          values = values.concat(input.val() || []);
        } else if (input.is(':checkbox, :radio')) {
          if (input.is(':checked')) { values.push(input.val()); }
        } else if (input.val()) {
          values.push(input.val());
        }
      });
      return values;
    },

    matches: function (rule) {
      var module = this;
      return Object.keys(rule).every(function (name) {
        var wanted = [].concat(rule[name]);
        return module.valuesOf(name).some(function (value) { return wanted.indexOf(value) !== -1; });
      });
    },

    visible: function (element) {
      var showWhen = element.data('pm25ShowWhen');
      var otherOf = element.attr('data-pm25-other-of');
      if (showWhen && typeof showWhen === 'string') {
        try { showWhen = JSON.parse(showWhen); } catch (error) { showWhen = null; }
      }
      if (showWhen && !this.matches(showWhen)) { return false; }
      if (otherOf && this.valuesOf(otherOf).indexOf(element.attr('data-pm25-other-value')) === -1) {
        return false;
      }
      return true;
    },

    update: function () {
      var module = this;
      this.el.find('.pm25-conditional').each(function () {
        var element = $(this);
        var show = module.visible(element) || element.find('.error-block').length > 0;
        element.prop('hidden', !show).toggleClass('pm25-conditional-hidden', !show);
      });
    },

    _onChange: function () {
      this.update();
    }
  };
});
