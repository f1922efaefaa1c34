// The process designer: bpmn-js modeler with the Camunda properties panel (lanes,
// user-task forms, timers, conditions), server-side validation shown on the
// diagram, and the diff against the published version.  Also drives the diff page.
import Modeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import BpmnModdle from 'bpmn-moddle';
import {
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import { changeCount, computeChanges } from './lib/changes.js';
import hideUnusedGroups from './lib/hide_unused.js';
import {
  boundsOf, centerOn, elementLabel, escapeHtml, moddleExtensions, translateModule,
} from './lib/modules.js';

const DIFF_MARKERS = ['diff-added', 'diff-changed', 'diff-layout'];

function readConfig(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

async function fetchText(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${response.status} ${url}`);
  return response.text();
}

// The shape an error names: the element itself, or the pool of a process id (a
// process without a pool is the canvas itself: nothing to mark).
function shapeFor(registry, id) {
  if (!id) return null;
  const element = registry.get(id);
  if (element && boundsOf(element)) return element;
  return registry.find((e) => e.type === 'bpmn:Participant' && e.businessObject.processRef
    && e.businessObject.processRef.id === id) || null;
}

class Editor {
  constructor(root, config) {
    this.config = config;
    this.root = root;
    this.dirty = false;
    this.problemShapes = [];
    this.diffShapes = [];
    this.modeler = new Modeler({
      container: root.querySelector('#canvas'),
      propertiesPanel: { parent: root.querySelector('#properties') },
      additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule,
        CamundaPlatformPropertiesProviderModule, CamundaBehaviorsModule, hideUnusedGroups, translateModule],
      moddleExtensions,
    });
    this.status = root.querySelector('#save-status');
    this.note = root.querySelector('#change-note');
  }

  async open() {
    try {
      const xml = await fetchText(this.config.xml_url);
      const { warnings } = await this.modeler.importXML(xml);
      this.modeler.get('canvas').zoom('fit-viewport', 'auto');
      if (warnings.length) this.say(`图中有 ${warnings.length} 处无法显示的内容，保存时会被省略`, 'warning');
    } catch (error) {
      this.say(`无法打开流程图：${error.message}`, 'error');
      return;
    }
    this.modeler.on('commandStack.changed', () => {
      this.dirty = true;
      if (!this.root.querySelector('#changes').hidden) this.showDiff();
    });
    window.addEventListener('beforeunload', (event) => {
      if (this.dirty) { event.preventDefault(); event.returnValue = ''; }
    });
    this.root.querySelector('#save-draft').addEventListener('click', () => this.save());
    this.root.querySelector('#toggle-diff').addEventListener('click', () => this.toggleDiff());
    this.showProblems(this.config.errors, this.config.warnings);
    this.root.dataset.ready = 'true';
  }

  say(text, kind = 'info') {
    this.status.textContent = text;
    this.status.className = `save-status ${kind}`;
  }

  showProblems(errors, warnings = []) {
    const problems = [...errors, ...warnings.map((w) => ({ ...w, warning: true }))];
    const registry = this.modeler.get('elementRegistry');
    const canvas = this.modeler.get('canvas');
    const overlays = this.modeler.get('overlays');
    this.problemShapes.forEach((id) => canvas.removeMarker(id, 'has-problem'));
    overlays.remove({ type: 'problem' });
    this.problemShapes = [];
    const list = this.root.querySelector('#problem-list');
    list.innerHTML = '';
    const counts = new Map();
    for (const problem of problems) {
      const shape = shapeFor(registry, problem.element_id);
      const item = document.createElement('li');
      item.dataset.elementId = problem.element_id || '';
      if (problem.warning) item.className = 'warning';
      const where = shape ? elementLabel(shape, problem.element_id) : (problem.element_id || '整个文件');
      item.innerHTML = `<button type="button" class="link where">${escapeHtml(where)}</button>
        <span class="message">${problem.warning ? '提醒：' : ''}${escapeHtml(problem.message)}</span>`;
      if (problem.fix === 'make_executable' && this.config.fix_url) {
        item.insertAdjacentHTML('beforeend', '<button type="button" class="fix-executable">设为可执行</button>');
        item.querySelector('.fix-executable').addEventListener('click', () => this.makeExecutable());
      }
      if (shape) {
        item.querySelector('.where').addEventListener('click', () => this.focus(shape));
        counts.set(shape.id, (counts.get(shape.id) || 0) + 1);
      } else {
        item.querySelector('.where').disabled = true;
      }
      list.appendChild(item);
    }
    for (const [id, count] of counts) {
      canvas.addMarker(id, 'has-problem');
      this.problemShapes.push(id);
      const messages = problems.filter((p) => shapeFor(registry, p.element_id)?.id === id).map((p) => p.message);
      overlays.add(id, 'problem', {
        position: { top: -10, right: 10 },
        html: `<div class="problem-badge" title="${escapeHtml(messages.join('\n'))}">${count}</div>`,
      });
    }
    const first = problems.map((p) => shapeFor(registry, p.element_id)).find(Boolean);
    // The properties panel starts listening to selections only after it has painted.
    if (first) requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => this.focus(first))));
    this.root.querySelector('#problem-count').textContent = errors.length;
    this.root.querySelector('#problems-empty').hidden = problems.length > 0;
    this.root.querySelector('#problems').classList.toggle('has-problems', errors.length > 0);
  }

  async makeExecutable() {
    this.say('正在设为可执行……');
    const response = await fetch(this.config.fix_url, {
      method: 'POST', credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRFToken': this.config.csrf },
    });
    const body = await response.json().catch(() => ({}));
    if (response.status !== 201) {
      this.say(body.message || `操作失败（${response.status}）`, 'error');
      return;
    }
    this.dirty = false;
    window.location.assign(body.edit_url);
  }

  focus(shape) {
    centerOn(this.modeler.get('canvas'), shape);
    this.modeler.get('selection').select(shape);
  }

  async save() {
    const note = this.note.value.trim();
    if (!note) {
      this.say('请先填写变更说明', 'error');
      this.note.focus();
      return;
    }
    const button = this.root.querySelector('#save-draft');
    button.disabled = true;
    this.say('正在保存并校验……');
    try {
      const { xml } = await this.modeler.saveXML({ format: true });
      const response = await fetch(this.config.save_url, {
        method: 'POST', credentials: 'same-origin', body: xml,
        headers: { 'Content-Type': 'application/xml; charset=utf-8', Accept: 'application/json',
          'X-Change-Note': encodeURIComponent(note), 'X-CSRFToken': this.config.csrf },
      });
      const body = await response.json().catch(() => ({}));
      if (response.status !== 201 && response.status !== 422) {
        this.say(body.message || `保存失败（${response.status}）`, 'error');
        return;
      }
      this.dirty = false;
      this.config.number = body.number;
      window.history.replaceState(null, '', body.edit_url);
      this.root.querySelector('#version-label').textContent = `第 ${body.number} 版 · 草稿`;
      this.root.querySelector('#download-xml').href = body.edit_url.replace(/\/edit$/, '.bpmn');
      if ((body.warnings || []).some((w) => w.message.startsWith('已转换'))) {
        // the server translated Camunda/JUEL notation: show the diagram as stored
        await this.modeler.importXML(await fetchText(body.edit_url.replace(/\/edit$/, '.bpmn')));
      }
      this.showProblems(body.errors, body.warnings || []);
      if (body.errors.length) {
        this.say(`已保存为第 ${body.number} 版草稿，有 ${body.errors.length} 个问题（已在图上标出），修正后才能发布`, 'error');
      } else {
        this.say(`已保存为第 ${body.number} 版草稿，校验通过。请由管理员或另一位流程设计人员审核发布`, 'success');
        this.status.insertAdjacentHTML('beforeend', ` <a href="${escapeHtml(body.process_url)}">版本列表</a>`);
      }
    } catch (error) {
      this.say(`保存失败：${error.message}`, 'error');
    } finally {
      button.disabled = false;
    }
  }

  async toggleDiff() {
    const panel = this.root.querySelector('#changes');
    const button = this.root.querySelector('#toggle-diff');
    if (!panel.hidden) {
      panel.hidden = true;
      button.classList.remove('on');
      this.clearDiff();
      return;
    }
    panel.hidden = false;
    button.classList.add('on');
    await this.showDiff();
  }

  clearDiff() {
    const canvas = this.modeler.get('canvas');
    this.diffShapes.forEach((id) => DIFF_MARKERS.forEach((m) => canvas.removeMarker(id, m)));
    this.diffShapes = [];
  }

  async showDiff() {
    if (!this.published) {
      const moddle = new BpmnModdle(moddleExtensions);
      const xml = await fetchText(this.config.published_xml_url);
      this.published = (await moddle.fromXML(xml)).rootElement;
    }
    const changes = computeChanges(this.published, this.modeler.getDefinitions());
    this.clearDiff();
    const registry = this.modeler.get('elementRegistry');
    const canvas = this.modeler.get('canvas');
    const mark = (items, marker) => items.forEach((c) => {
      const shape = shapeFor(registry, c.id);
      if (shape) { canvas.addMarker(shape.id, marker); this.diffShapes.push(shape.id); }
    });
    mark(changes.added, 'diff-added');
    mark(changes.changed, 'diff-changed');
    mark(changes.layout, 'diff-layout');
    renderChangeList(this.root.querySelector('#change-list'), changes, (id) => {
      const shape = shapeFor(registry, id);
      if (shape) this.focus(shape);
    });
    this.root.querySelector('#change-count').textContent = changeCount(changes);
  }
}

const KINDS = { added: '新增', removed: '删除', changed: '修改', layout: '仅位置' };

function detailText(change) {
  return (change.details || []).map((d) => (d.before || d.after
    ? `${d.label}：${d.before || '（无）'} → ${d.after || '（无）'}` : d.label)).join('；');
}

function renderChangeList(list, changes, onPick) {
  list.innerHTML = '';
  for (const kind of ['added', 'changed', 'removed', 'layout']) {
    for (const change of changes[kind]) {
      const item = document.createElement('li');
      item.className = `change ${kind}`;
      item.dataset.elementId = change.id;
      item.innerHTML = `<span class="kind">${KINDS[kind]}</span>
        <button type="button" class="link">${escapeHtml(change.name || change.id)}</button>
        <small>${escapeHtml(change.type)}</small><div class="detail">${escapeHtml(detailText(change))}</div>`;
      item.querySelector('button').addEventListener('click', () => onPick(change.id));
      list.appendChild(item);
    }
  }
  if (!list.children.length) list.innerHTML = '<li class="muted">没有变化</li>';
}

async function diffPage(config) {
  const make = (selector) => new NavigatedViewer({ container: document.querySelector(selector),
    additionalModules: [translateModule], moddleExtensions });
  const left = make('#diff-left');
  const right = make('#diff-right');
  const [oldXml, newXml] = await Promise.all([fetchText(config.left_url), fetchText(config.right_url)]);
  await left.importXML(oldXml);
  await right.importXML(newXml);
  [left, right].forEach((v) => v.get('canvas').zoom('fit-viewport', 'auto'));
  const changes = computeChanges(left.getDefinitions(), right.getDefinitions());
  const mark = (viewer, items, marker) => items.forEach((c) => {
    const shape = shapeFor(viewer.get('elementRegistry'), c.id);
    if (shape) viewer.get('canvas').addMarker(shape.id, marker);
  });
  mark(left, changes.removed, 'diff-removed');
  mark(left, changes.changed, 'diff-changed');
  mark(right, changes.added, 'diff-added');
  mark(right, changes.changed, 'diff-changed');
  mark(right, changes.layout, 'diff-layout');
  const body = document.querySelector('#change-table tbody');
  for (const kind of ['added', 'changed', 'removed', 'layout']) {
    for (const change of changes[kind]) {
      const row = document.createElement('tr');
      row.className = `change ${kind}`;
      row.dataset.elementId = change.id;
      row.addEventListener('click', () => [left, right].forEach((viewer) => {
        const shape = shapeFor(viewer.get('elementRegistry'), change.id);
        if (!shape) return;
        centerOn(viewer.get('canvas'), shape);
      }));
      row.innerHTML = `<td><span class="kind">${KINDS[kind]}</span></td><td>${escapeHtml(change.name || change.id)}
        <br><small class="muted">${escapeHtml(change.id)}</small></td><td>${escapeHtml(change.type)}</td>
        <td>${escapeHtml(detailText(change))}</td>`;
      body.appendChild(row);
    }
  }
  if (!body.children.length) body.innerHTML = '<tr><td colspan="4" class="muted">两个版本没有差别</td></tr>';
  document.querySelector('#change-count').textContent = `${changeCount(changes)} 处`;
  document.querySelector('#diff').dataset.ready = 'true';
}

const editorConfig = readConfig('designer-config');
if (editorConfig) new Editor(document.getElementById('designer'), editorConfig).open();
const diffConfig = readConfig('diff-config');
if (diffConfig) {
  diffPage(diffConfig).catch((error) => {
    document.querySelector('#change-count').textContent = `无法比较：${error.message}`;
  });
}
