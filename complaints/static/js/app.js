// After a form comes back with mistakes, take keyboard and screen-reader users to the list of them.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
