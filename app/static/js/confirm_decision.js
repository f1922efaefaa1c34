// An irreversible decision (a field whose diagram sets `confirm_value`, e.g. 列入名单 or
// 准予提前移出) asks once more before the form is sent.
(function () {
  function chosen(field) {
    const checked = field.querySelector('input[type=radio]:checked');
    if (checked) return checked.value;
    const select = field.querySelector('select');
    return select ? select.value : null;
  }

  document.querySelectorAll('form').forEach((form) => {
    const fields = form.querySelectorAll('[data-confirm-value]');
    if (!fields.length) return;
    form.addEventListener('submit', (event) => {
      for (const field of fields) {
        if (chosen(field) === field.dataset.confirmValue && !window.confirm(field.dataset.confirmMessage)) {
          event.preventDefault();
          return;
        }
      }
    });
  });
})();
