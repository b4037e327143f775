/* When the session ends (idle timeout, logout in another tab, account locked), Dash's requests answer
   401. Dash would only log that; send the user to the sign-in page instead and come back here after.
   The 401 response is not handed on to Dash (the promise never settles: the page is leaving anyway),
   so the renderer does not report a failed callback on the way out. */
(function () {
  'use strict';
  var original = window.fetch;
  if (!original) { return; }
  window.fetch = function () {
    return original.apply(this, arguments).then(function (response) {
      var url = new URL(response.url || '', window.location.href);
      if (response.status === 401 && url.origin === window.location.origin &&
          url.pathname.indexOf('/_dash-') !== -1) {
        var next = window.location.pathname + window.location.search;
        window.location.assign('/login?reason=expired&next=' + encodeURIComponent(next));
        return new Promise(function () {});
      }
      return response;
    });
  };
})();
