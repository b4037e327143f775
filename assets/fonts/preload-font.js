/* Start loading the cockpit font as soon as the page runs scripts. deck.gl's TextLayer draws its
   glyph atlas with whatever face is ready when the layer first renders and does not redraw it when
   the font arrives later, so map labels would keep the fallback face. `window.cockpitFontReady`
   resolves once the face is usable; map code may wait for it before adding text layers. */
(function () {
  'use strict';
  var family = '"Cockpit Sans"';
  if (!document.fonts || !document.fonts.load) {
    window.cockpitFontReady = Promise.resolve(false);
    return;
  }
  window.cockpitFontReady = document.fonts.load('16px ' + family, '\u65b0\u660c')
    .then(function (faces) { return faces.length > 0; }, function () { return false; });
})();
