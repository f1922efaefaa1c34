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
