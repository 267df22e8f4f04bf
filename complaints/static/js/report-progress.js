// The compliance report's page: follow the worker's progress and offer the file when it is ready.
// Without JavaScript the page refreshes itself (meta refresh) until the job is done.
(function () {
  "use strict";
  var box = document.getElementById("report-job");
  if (!box || box.dataset.status === "done" || box.dataset.status === "failed") { return; }
  var bar = document.getElementById("report-progress");
  var label = document.getElementById("report-progress-label");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.progress;
        label.textContent = job.progress + "%";
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
