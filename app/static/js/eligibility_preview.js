// The early-removal preview on 登记修复申请 follows the form: each change asks the
// server to run its own eligibility check (app/domain/eligibility.py) on what the
// form now says, and redraws the list.  Without script the page shows the check
// of what was last submitted.
(function () {
  const box = document.querySelector('[data-eligibility-url]');
  const form = document.getElementById('start-form');
  if (!box || !form) return;

  function draw(checks) {
    const list = box.querySelector('ul');
    list.replaceChildren();
    checks.forEach((c) => {
      const item = document.createElement('li');
      item.className = c.passed ? 'pass' : 'fail';
      const mark = document.createElement('span');
      mark.className = 'mark';
      mark.textContent = c.passed ? '✓' : '✗';
      const detail = document.createElement('small');
      detail.textContent = c.detail;
      item.append(mark, ` ${c.label} `, detail);
      list.append(item);
    });
    box.hidden = checks.length === 0;
  }

  let asked = 0;
  async function refresh() {
    const params = new URLSearchParams();
    const listing = form.querySelector('[name="listing_id"]');
    params.set('listing_id', listing ? listing.value : '');
    ['penalty_carried_out', 'commitment_given'].forEach((name) => {
      const input = form.querySelector(`[name="${name}"]`);
      if (input && input.checked) params.set(name, 'on');
    });
    const mine = ++asked;
    const response = await fetch(`${box.dataset.eligibilityUrl}?${params}`, { headers: { Accept: 'application/json' } });
    if (mine !== asked || !response.ok) return; // a later change has asked again, or no entry
    draw((await response.json()).checks);
  }

  form.addEventListener('change', refresh);
  form.addEventListener('input', (event) => {
    if (event.target.name === 'listing_id') refresh();
  });
})();
