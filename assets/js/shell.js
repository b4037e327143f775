/* The page shell (cockpit/server.py): which language callbacks should answer in, and the language switch. */
(function () {
  "use strict";
  function cookieLang() {
    var m = document.cookie.match(/(?:^|;\s*)cockpit_lang=(zh|en)/);
    return m ? m[1] : null;
  }

  function language(search, pathname) {
    var asked = new URLSearchParams(search || "").get("lang");
    var lang = asked === "en" || asked === "zh" ? asked : (cookieLang() || "zh");
    var params = new URLSearchParams(search || "");
    params.set("lang", lang === "en" ? "zh" : "en");
    // a full page load on purpose: every server-rendered label follows the new language
    return [lang, (pathname || "/") + "?" + params.toString()];
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {shell: {language: language}});
})();
