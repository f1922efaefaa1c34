// Case page: the diagram of the case's process version, the current step
// highlighted and completed steps marked (data from /designer/cases/<id>/diagram.json).
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { centerOn, moddleExtensions, translateModule } from './lib/modules.js';

const MARKS = [['completed', 'step-completed', '✓', '已完成'], ['cancelled', 'step-cancelled', '×', '已取消'],
  ['waiting', 'step-waiting', '⏱', '计时中'], ['current', 'step-current', '●', '当前环节']];

async function show(container) {
  const response = await fetch(container.dataset.url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(String(response.status));
  const data = await response.json();
  container.innerHTML = '';
  const viewer = new NavigatedViewer({ container, additionalModules: [translateModule], moddleExtensions });
  await viewer.importXML(data.xml);
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const overlays = viewer.get('overlays');
  canvas.zoom('fit-viewport', 'auto');
  for (const [key, marker, symbol, title] of MARKS) {
    for (const id of data[key] || []) {
      if (!registry.get(id)) continue;
      canvas.addMarker(id, marker);
      overlays.add(id, 'case-state', {
        position: { top: -8, left: -8 },
        html: `<span class="step-badge ${marker}" title="${title}">${symbol}</span>`,
      });
    }
  }
  // Large diagrams fitted whole are unreadable: show the current step at a readable
  // size; the buttons switch between it and the whole diagram.
  const whole = () => canvas.zoom('fit-viewport', 'auto');
  const currentShape = (data.current || []).map((id) => registry.get(id)).find(Boolean);
  const showCurrent = () => { if (currentShape) centerOn(canvas, currentShape, 0.9); };
  if (currentShape && canvas.zoom() < 0.6) showCurrent();
  document.querySelectorAll('[data-diagram-view]').forEach((button) => {
    button.hidden = button.dataset.diagramView === 'current' && !currentShape;
    button.addEventListener('click', () => (button.dataset.diagramView === 'whole' ? whole() : showCurrent()));
  });
  container.dataset.ready = 'true';
}

const container = document.getElementById('case-diagram');
if (container) {
  show(container).catch((error) => {
    container.innerHTML = `<p class="muted">流程图无法显示（${error.message}）</p>`;
  });
}
