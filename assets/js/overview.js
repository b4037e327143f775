/* The overview screen (cockpit/pages/overview.py): clock, automatic tour of preset views, and its pause.
   Touching, dragging, scrolling or using keys on the page pauses the tour for a minute; the button
   pauses it until pressed again. All of it runs in the browser: no server round trips. */
(function () {
  "use strict";
  var PAUSE_MS = 60000;
  var tourState = {pausedUntil: 0, held: false, index: 0};
  window.overviewTour = tourState;  // read-only view for tests

  function touched() { tourState.pausedUntil = Date.now() + PAUSE_MS; }
  ["pointerdown", "wheel", "touchstart", "keydown"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.target && event.target.closest && event.target.closest("#overview-tour-toggle")) { return; }
      if (document.getElementById("overview-page")) { touched(); }
    }, {passive: true, capture: true});
  });

  function paused() { return tourState.held || Date.now() < tourState.pausedUntil; }

  var TEXT = {zh: {running: "轮播中 ⏸", paused: "轮播暂停 ▶", weekdays: "日一二三四五六"},
              en: {running: "Touring ⏸", paused: "Tour paused ▶", weekdays: null}};

  function clock(_n, lang) {
    var now = new Date();
    var two = function (v) { return (v < 10 ? "0" : "") + v; };
    var time = two(now.getHours()) + ":" + two(now.getMinutes()) + ":" + two(now.getSeconds());
    var date = now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate());
    var week = lang === "en" ? now.toLocaleDateString("en", {weekday: "short"})
                             : "星期" + TEXT.zh.weekdays.charAt(now.getDay());
    return date + " " + week + " " + time;
  }

  // The preset views are designed for the map area of a 1920-wide wall; a bigger map (4K) or a smaller
  // one (a tablet) sees the same extent one zoom step per doubling of its width.
  var DESIGN_WIDTH = 1100;

  function fitted(view, deckId) {
    var el = document.getElementById(deckId);
    var width = el ? el.getBoundingClientRect().width : DESIGN_WIDTH;
    var shift = width > 0 ? Math.log2(width / DESIGN_WIDTH) : 0;
    return Object.assign({}, view, {zoom: Math.min(view.maxZoom || 15.5, view.zoom + shift)});
  }

  function show(view, deckId) {
    var target = fitted(view, deckId);
    if (window.deckmapViews) { window.deckmapViews[deckId] = target; }
    return target;
  }

  function tour(_n, stops, deckId) {
    var noUpdate = window.dash_clientside.no_update;
    if (!stops || !stops.length || paused()) { return [noUpdate, noUpdate]; }
    tourState.index = (tourState.index + 1) % stops.length;
    var stop = stops[tourState.index];
    return [show(stop.view, deckId), stop.caption];
  }

  function home(_scale, stops, deckId) {
    // once, when the page has its size: the first preset (the county) fitted to this map
    var noUpdate = window.dash_clientside.no_update;
    if (!stops || !stops.length || tourState.homed) { return noUpdate; }
    tourState.homed = true;
    return show(stops[0].view, deckId);
  }

  function scale(_tick, current) {
    // One rem in CSS pixels over its size on a 1920 wall: charts and map labels size their text with it.
    // First tick: the page's scale (which fits the view, see home); the tick after: the map's scale, which
    // lets it draw. deck.gl rebuilds its layers when the view is set, and terrain tiles that were loading
    // at that moment can stay blank, so nothing loads before the fitted view is in place.
    var noUpdate = window.dash_clientside.no_update;
    var rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    var value = Math.round((rem / 16) * 100) / 100;
    if (current === null || current === undefined) { return [value, noUpdate]; }
    if (!tourState.mapScaled) { tourState.mapScaled = true; return [noUpdate, current]; }
    return [noUpdate, noUpdate];
  }

  function toggleTour(clicks, _tick, lang) {
    var ctx = window.dash_clientside.callback_context;
    var trigger = ctx.triggered.length ? ctx.triggered[0].prop_id : "";
    if (trigger.indexOf("tour-toggle") >= 0 && clicks) {
      tourState.held = !tourState.held;
      tourState.pausedUntil = 0;
    }
    var text = TEXT[lang === "en" ? "en" : "zh"];
    return paused() ? [text.paused, "true"] : [text.running, "false"];
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside,
                                         {overview: {clock: clock, tour: tour, toggleTour: toggleTour, home: home, scale: scale}});
})();
