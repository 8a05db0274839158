// The console's only script (the Content-Security-Policy allows scripts from 'self' alone, no inline handlers).
document.addEventListener("DOMContentLoaded", () => {
  for (const all of document.querySelectorAll("input[data-select-all]")) {
    all.addEventListener("change", () => {
      for (const box of all.closest("form").querySelectorAll("input[name=ids]")) box.checked = all.checked;
    });
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (e) => { if (!confirm(form.dataset.confirm)) e.preventDefault(); });
  }
});
