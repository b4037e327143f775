/* When the session ends (idle timeout, logout in another tab, account locked), Dash's requests answer
   401. Dash would only log that; send the user to the sign-in page instead and come back here after. */
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
      }
      return response;
    });
  };
})();
