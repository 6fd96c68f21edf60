// The entry form: count the characters of the notes as they are typed, and for a reflection say
// how long it must be for the stage chosen (the page lists each stage's minimum; without this
// script every line stays visible).
document.addEventListener("DOMContentLoaded", () => {
  const notes = document.querySelector("textarea[name=notes]");
  const counter = document.getElementById("notes-count");
  if (!notes || !counter) {
    return;
  }
  const template = counter.dataset.template;
  const minimums = document.getElementById("reflection-minimums");
  const kind = document.querySelector("select[name=kind]");
  const stage = document.querySelector("select[name=stage]");
  const currentMinimum = () => {
    if (!minimums || !kind || !stage) {
      return null;
    }
    let found = null;
    for (const line of minimums.querySelectorAll("li[data-stage]")) {
      const applies = kind.value === minimums.dataset.reflection && line.dataset.stage === stage.value;
      line.hidden = !applies;
      if (applies) {
        found = Number(line.dataset.minimum);
      }
    }
    return found;
  };
  const show = () => {
    const length = notes.value.trim().length;
    const minimum = currentMinimum();
    counter.textContent =
      minimum === null
        ? template.replace("0", String(length))
        : counter.dataset.templateMinimum
            .replace("{count}", String(length))
            .replace("{minimum}", String(minimum));
    counter.classList.toggle("text-success", minimum !== null && length >= minimum);
    counter.classList.toggle("text-secondary", minimum === null || length < minimum);
  };
  notes.addEventListener("input", show);
  kind?.addEventListener("change", show);
  stage?.addEventListener("change", show);
  show();
});
