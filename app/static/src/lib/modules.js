// The bpmn-js pieces both pages share: Camunda's moddle extension (forms,
// properties), the stylesheet, and the Chinese labels.
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import zh from './zh.js';

export const moddleExtensions = { camunda: camundaModdle };
export const translateModule = zh;

export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export function elementLabel(element, id) {
  const bo = element && element.businessObject;
  const name = bo && bo.name ? bo.name.replace(/\s+/g, ' ').trim() : '';
  return name ? `${name}（${id}）` : id;
}

// Where an element is drawn: a shape's box, or the box around a connection's
// waypoints; null for the root (a process or collaboration drawn as the canvas).
export function boundsOf(element) {
  if (element && element.waypoints && element.waypoints.length) {
    const xs = element.waypoints.map((p) => p.x);
    const ys = element.waypoints.map((p) => p.y);
    return { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs),
      height: Math.max(...ys) - Math.min(...ys) };
  }
  if (element && Number.isFinite(element.x) && Number.isFinite(element.y)) return element;
  return null;
}

// Zoom to a readable scale (never zooming out) and put the element in the middle.
export function centerOn(canvas, element, scale = 1) {
  const bounds = boundsOf(element);
  if (!bounds) return;
  if (canvas.zoom() < scale) canvas.zoom(scale);
  const box = canvas.viewbox();
  canvas.viewbox({ x: bounds.x + (bounds.width || 0) / 2 - box.width / 2,
    y: bounds.y + (bounds.height || 0) / 2 - box.height / 2, width: box.width, height: box.height });
}
