/* ckanext-pm25: the PM2.5 widget of a province, for other sites.
 *
 *   <script src="https://PORTAL/pm25/embed.js" data-province="TH-52" data-lang="th" async></script>
 *
 * puts an iframe of PORTAL/pm25/embed/TH-52 (PORTAL/en/pm25/embed/TH-52 for data-lang="en")
 * right after the script tag: titled, sized for a 300 px sidebar, loaded when it comes near the
 * screen. The portal fills in SETTINGS (titles and province names in Thai and English, size)
 * when it serves this file.
 */
(function () {
  "use strict";
  var settings = /*SETTINGS*/{};
  var script = document.currentScript;
  if (!script || !script.parentNode) {
    return;
  }
  var province = (script.getAttribute("data-province") || "").trim();
  var lang = script.getAttribute("data-lang") === "en" ? "en" : "th";
  if (!province) {
    return;
  }
  // The portal's root (with a site's own path prefix, if any) is where this script came from.
  var root = script.src.replace(/\/pm25\/embed\.js(?:[?#].*)?$/, "");
  var frame = document.createElement("iframe");
  frame.src = root + (lang === "en" ? "/en" : "") + "/pm25/embed/" + encodeURIComponent(province);
  // The title names the province (a code other than TH-NN: as written in the tag).
  var names = settings.names || {};
  var name = names[province.toUpperCase()] ? names[province.toUpperCase()][lang] : province;
  frame.title = (settings.titles && settings.titles[lang] || "PM2.5: {province}").replace("{province}", name);
  frame.width = String(settings.width || 300);
  frame.height = String(settings.height || 420);
  frame.setAttribute("loading", "lazy");
  frame.className = "pm25-embed";
  frame.style.border = "0";
  frame.style.maxWidth = "100%";
  script.parentNode.insertBefore(frame, script.nextSibling);
}());
