// A field the diagram requires only under a condition (required_if) is shown only
// while that condition holds, so an officer sees what the chosen outcome asks for.
// The server checks the same rule; this only spares reading.  Conditions other
// than `name`, `not name` and `name == 'value'` leave the field always visible.
(function () {
  const SIMPLE = /^\s*(not\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:==\s*'([^']*)')?\s*$/;

  function currentValue(form, name) {
    const inputs = Array.from(form.querySelectorAll(`[name="${name}"]`));
    if (!inputs.length) return null;
    if (inputs[0].type === 'radio') {
      const checked = inputs.find((input) => input.checked);
      return checked ? checked.value : null;
    }
    if (inputs[0].type === 'checkbox') return inputs.length === 1 ? inputs[0].checked : inputs.some((i) => i.checked);
    return inputs[0].value;
  }

  function update(form) {
    form.querySelectorAll('[data-required-if]').forEach((field) => {
      const match = SIMPLE.exec(field.dataset.requiredIf);
      if (!match || field.classList.contains('has-error')) {
        field.hidden = false;
        return;
      }
      const [, negate, name, expected] = match;
      let holds = expected !== undefined ? currentValue(form, name) === expected : Boolean(currentValue(form, name));
      if (negate) holds = !holds;
      field.hidden = !holds;
    });
  }

  document.querySelectorAll('form[data-conditional]').forEach((form) => {
    form.addEventListener('change', () => update(form));
    update(form);
  });
})();
