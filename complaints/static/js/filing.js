// Progressive enhancement of the filing form; without JavaScript the form works the same, only less guided.
(function () {
  "use strict";
  var form = document.getElementById("filing-form");
  if (!form) { return; }

  // The unit list follows the region: only the chosen region's units stay visible.
  var region = document.getElementById("region_id");
  var unit = document.getElementById("unit_id");
  function filterUnits(reset) {
    var chosen = region.value;
    Array.prototype.forEach.call(unit.querySelectorAll("option[data-region]"), function (option) {
      var show = chosen === "0" || option.getAttribute("data-region") === chosen;
      option.hidden = !show;
      option.disabled = !show;
    });
    Array.prototype.forEach.call(unit.querySelectorAll("optgroup"), function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
    if (reset && unit.selectedOptions.length && unit.selectedOptions[0].disabled) { unit.value = "0"; }
  }
  region.addEventListener("change", function () { filterUnits(true); });
  filterUnits(false);

  // An event older than two years: explained on the spot.
  var eventDate = document.getElementById("event_date");
  var tooOld = document.getElementById("warning-too-old");
  function checkAge() {
    if (!eventDate.value) { tooOld.hidden = true; return; }
    var limit = new Date();
    limit.setFullYear(limit.getFullYear() - 2);
    tooOld.hidden = new Date(eventDate.value) >= limit;
  }
  eventDate.addEventListener("change", checkAge);

  // No prior complaint to the unit: explained on the spot; the prior-complaint fields only when they apply.
  var noPrior = document.getElementById("warning-no-prior");
  var priorFields = document.getElementById("prior-fields");
  function checkPrior() {
    var answer = form.querySelector("input[name=complained_to_unit]:checked");
    noPrior.hidden = !(answer && answer.value === "no");
    priorFields.hidden = !!(answer && answer.value === "no");
  }
  Array.prototype.forEach.call(form.querySelectorAll("input[name=complained_to_unit]"), function (input) {
    input.addEventListener("change", checkPrior);
  });
  checkPrior();

  // One click, one report: the button waits once the form is on its way (the server also refuses a second copy).
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = button.getAttribute("data-sending");
  });

  // Acting for someone else: the principal's name and the power of attorney.
  var kuasa = document.getElementById("acts_for_other");
  var kuasaFields = document.getElementById("kuasa-fields");
  function checkKuasa() { kuasaFields.hidden = !kuasa.checked; }
  kuasa.addEventListener("change", checkKuasa);
  checkKuasa();
})();
