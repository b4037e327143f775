/* Clientside callbacks of the map component (cockpit/components/deckmap.py).
   They keep view changes, hovering and layer switching in the browser: no server round trips. */
(function () {
  "use strict";
  var lastView = {};  // deck id -> latest view state, for the 2D/3D switch
  window.deckmapViews = lastView;  // read-only view of it for tests and diagnostics

  function visibleLayers(layers, live, switched, mode, scale, meta) {
    // deck.gl builds its label font atlas once, from whatever font is usable at that moment:
    // hand it the layers only after our Chinese web font has loaded (or failed to).
    if (scale === null || scale === undefined) { return window.dash_clientside.no_update; }
    var ready = window.cockpitFontReady || Promise.resolve(true);
    var current = (layers || []).map(function (layer) { return (live && live[layer.id]) || layer; });
    return ready.then(function () { return scaled(applyVisibility(current, switched, mode, meta), scale); });
  }

  function scaled(layers, scale) {
    // Text and pixel-sized markers grow with the screen (a 4K wall shows what a 1920 one does)
    if (!scale || scale === 1) { return layers; }
    return layers.map(function (layer) {
      var type = layer["@@type"];
      if (type === "TextLayer") { return Object.assign({}, layer, {sizeScale: (layer.sizeScale || 1) * scale}); }
      if (type === "ScatterplotLayer" && layer.radiusUnits === "pixels") {
        return Object.assign({}, layer, {radiusScale: (layer.radiusScale || 1) * scale,
                                         lineWidthScale: (layer.lineWidthScale || 1) * scale});
      }
      return layer;
    });
  }

  function applyVisibility(layers, switched, mode, meta) {
    var flat = {};
    (meta || []).forEach(function (m) { if (m.flatOnly) { flat[m.id] = true; } });
    var on = {};
    (switched || []).forEach(function (id) { on[id] = true; });
    // Hidden layers are left out rather than set invisible: deck.gl keeps loading tiles for
    // invisible tile layers, which would cost the server and the network for nothing.
    return (layers || []).filter(function (layer) {
      if (layer.id === "terrain") { return mode === "3d"; }
      if (layer.id === "basemap") { return mode !== "3d"; }
      return !!on[layer.id] && !(mode === "3d" && flat[layer.id]);
    }).map(function (layer) {
      return "extruded" in layer ? Object.assign({}, layer, {extruded: mode === "3d"}) : layer;
    });
  }

  var MAX_ZOOM_3D = 15.5;  // deck.gl's camera height ignores the relief: deeper, it sinks into the hills

  function trackView(view, deckId, mode) {
    var noUpdate = window.dash_clientside.no_update;
    if (!view) { return [noUpdate, noUpdate]; }
    lastView[deckId] = view;
    var compass = {transform: "rotate(" + (-(view.bearing || 0)).toFixed(1) + "deg)"};
    if (mode === "3d" && view.zoom > MAX_ZOOM_3D) {
      var clamped = Object.assign({}, view, {zoom: MAX_ZOOM_3D});
      lastView[deckId] = clamped;
      return [compass, clamped];
    }
    return [compass, noUpdate];
  }

  function resetView(clicks, mode, home, deckId) {
    var ctx = window.dash_clientside.callback_context;
    var trigger = ctx.triggered.length ? ctx.triggered[0].prop_id : "";
    var target = home[mode] || home["3d"];
    if (trigger.indexOf("-mode.") >= 0 && lastView[deckId]) {
      // switching 2D/3D keeps where the user is looking; only pitch and bearing change
      var v = lastView[deckId];
      target = {longitude: v.longitude, latitude: v.latitude, zoom: v.zoom,
                pitch: mode === "3d" ? (home["3d"].pitch || 45) : 0, bearing: mode === "3d" ? v.bearing : 0};
    }
    lastView[deckId] = target;
    return {longitude: target.longitude, latitude: target.latitude, zoom: target.zoom,
            pitch: target.pitch, bearing: target.bearing};
  }

  function fill(template, props) {
    // Text only: the result is rendered by React as a text node, so values are never parsed as HTML.
    return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, function (_m, key) {
      var v = props[key];
      return v === undefined || v === null ? "" : String(v);
    });
  }

  function tooltip(info, meta) {
    var hidden = {display: "none"};
    if (!info || !info.picked || !info.layerId) { return ["", hidden]; }
    var spec = (meta || []).find(function (m) { return m.id === info.layerId; });
    if (!spec || !spec.tooltip) { return ["", hidden]; }
    var props = Object.assign({}, info.object || {}, info.properties || {});
    var text = fill(spec.tooltip, props).trim();
    if (!text) { return ["", hidden]; }
    return [text, {display: "block", left: (info.x + 14) + "px", top: (info.y + 14) + "px"}];
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    deckmap: {visibleLayers: visibleLayers, trackView: trackView, resetView: resetView, tooltip: tooltip}
  });
})();
