// The admin's export page: "Select all" ticks or clears every column of the chosen resource.
// (import-export wires it with an inline handler, which the content-security policy refuses.)
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.getElementById("select-all-toggle");
  if (!toggle) {
    return;
  }
  const columns = () =>
    document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]:not(.select-toggle)');
  toggle.addEventListener("change", () => {
    columns().forEach((checkbox) => {
      checkbox.checked = toggle.checked;
    });
  });
  // The toggle follows the columns: ticked only while every column is.
  document.addEventListener("change", (event) => {
    if (event.target !== toggle && event.target.closest(".selectable-field-export-row")) {
      toggle.checked = Array.from(columns()).every((checkbox) => checkbox.checked);
    }
  });
});
