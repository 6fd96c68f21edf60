// The entry form: count the characters of the notes as they are typed (a reflection has a minimum).
document.addEventListener("DOMContentLoaded", () => {
  const notes = document.querySelector("textarea[name=notes]");
  const counter = document.getElementById("notes-count");
  if (!notes || !counter) {
    return;
  }
  const template = counter.dataset.template;
  const show = () => {
    counter.textContent = template.replace("0", String(notes.value.trim().length));
  };
  notes.addEventListener("input", show);
  show();
});
