// The development step form: each detail (contact persons, the notice's last day, training
// length, ...) is shown only while a step that takes it is chosen; without this script every
// detail stays visible, each saying in its help which step it is for.
(function () {
  "use strict";
  function follow(form) {
    var kind = form.querySelector("select[name=kind]");
    if (!kind) {
      return;
    }
    function show() {
      form.querySelectorAll("[data-step-kinds]").forEach(function (input) {
        var wanted = input.dataset.stepKinds.split(" ").indexOf(kind.value) !== -1;
        input.closest(".mb-3").hidden = !wanted && !input.classList.contains("is-invalid");
      });
    }
    kind.addEventListener("change", show);
    show();
  }
  function start() {
    document.querySelectorAll("form[data-step-form]").forEach(follow);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
