// What changed between two BPMN documents, element by element (bpmn-js-differ),
// with changes deep inside an element (a timer's expression, a form field, a
// condition) credited to the element a designer sees on the diagram.
import { ChangeHandler, diff } from 'bpmn-js-differ';

const TYPES = {
  'bpmn:UserTask': '用户任务', 'bpmn:ScriptTask': '脚本任务', 'bpmn:Task': '任务', 'bpmn:CallActivity': '调用活动',
  'bpmn:SubProcess': '子流程', 'bpmn:StartEvent': '开始事件', 'bpmn:EndEvent': '结束事件',
  'bpmn:BoundaryEvent': '边界事件', 'bpmn:IntermediateCatchEvent': '中间事件', 'bpmn:IntermediateThrowEvent': '中间抛出事件',
  'bpmn:ExclusiveGateway': '排他网关', 'bpmn:ParallelGateway': '并行网关', 'bpmn:InclusiveGateway': '包容网关',
  'bpmn:EventBasedGateway': '事件网关', 'bpmn:SequenceFlow': '顺序流', 'bpmn:Lane': '泳道', 'bpmn:Participant': '参与方',
  'bpmn:MessageFlow': '消息流', 'bpmn:Collaboration': '协作', 'bpmn:Process': '流程',
};

const ASPECTS = [
  [/TimerEventDefinition/, '计时器'], [/conditionExpression/, '条件'], [/camunda:Form|formData|FormField/i, '表单'],
  [/camunda:Propert/, '扩展属性'], [/script/i, '脚本'], [/flowNodeRef/, '泳道成员'], [/sourceRef|targetRef/, '连接'],
  [/calledElement/, '被调用流程'], [/cancelActivity/, '是否中断'], [/documentation/, '说明'], [/^name\b/, '名称'],
  [/attachedToRef/, '附着的活动'], [/default/, '默认路径'], [/LoopCharacteristics/, '循环/多实例'],
  [/eventDefinitions/, '事件类型'], [/\$type/, '元素类型'], [/ExtensionElements/, '扩展属性'],
];

function isDi(element) {
  return element && element.$instanceOf && (element.$instanceOf('bpmndi:BPMNEdge') || element.$instanceOf('bpmndi:BPMNShape'));
}

// bpmn-js-differ reports a changed value as changed(model, key, before, after) (in
// that order), and additions and removals inside an element it does not track
// (a timer definition, a form field) not at all: every change goes to _record,
// which credits it to the element drawn on the diagram, or to its layout.
class Handler extends ChangeHandler {
  changed(model, property, before, after) {
    this._record(model, property, before, after);
  }

  added(model, property, element, idx) {
    const tracked = this._isTracked(element);
    if (tracked) {
      this._added[tracked.element.id] = this._added[tracked.element.id] || element;
    } else {
      this._record(model, `${property}[${idx}]`, undefined, element);
    }
  }

  removed(model, property, element, idx) {
    const tracked = this._isTracked(element);
    if (tracked) {
      this._removed[tracked.element.id] = this._removed[tracked.element.id] || element;
    } else {
      this._record(model, `${property}[${idx}]`, element, undefined);
    }
  }

  _record(model, property, before, after) {
    const path = [property];
    for (let current = model; current; current = current.$parent) {
      if (isDi(current)) {
        if (current.bpmnElement) this._layoutChanged[current.bpmnElement.id] = current.bpmnElement;
        return;
      }
      const tracked = this._isTracked(current);
      if (tracked) {
        const id = tracked.element.id;
        const entry = this._changed[id] || (this._changed[id] = { model: tracked.element, attrs: {} });
        const key = tracked.property + path.join('.');
        const earlier = entry.attrs[key] || {};  // a list item replaced: its removal and its addition
        if (before !== undefined || after !== undefined) {
          entry.attrs[key] = { before: before === undefined ? earlier.before : before,
            after: after === undefined ? earlier.after : after };
        }
        return;
      }
      path.unshift(current.$type);
    }
  }
}

function summary(element) {
  const type = element.$type;
  if (type === 'camunda:FormData') return (element.fields || []).map(summary).join('、');
  if (type === 'camunda:FormField') return `${element.label || element.id}（${element.id}，${element.type || 'string'}）`;
  if (type === 'camunda:Properties') return (element.values || []).map(summary).join('、');
  if (type === 'camunda:Property') return `${element.name}=${element.value}`;
  if (type === 'bpmn:ExtensionElements') return (element.values || []).map(summary).join('；');
  const text = element.body || element.value || element.name || element.label || element.id;
  return text ? String(text) : type.split(':').pop();
}

function show(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.startsWith('#ref:') ? value.slice(5) : value;
  if (typeof value !== 'object') return String(value);
  if (value.$type) return summary(value);
  return '';
}

function aspect(path) {
  const found = ASPECTS.find(([pattern]) => pattern.test(path));
  return found ? found[1] : path;
}

function describe(element) {
  return { id: element.id, type: TYPES[element.$type] || element.$type, name: element.name || '' };
}

export function computeChanges(oldDefinitions, newDefinitions) {
  const result = diff(oldDefinitions, newDefinitions, new Handler());
  const changed = Object.values(result._changed).map(({ model, attrs }) => {
    const details = [];
    for (const [path, values] of Object.entries(attrs)) {
      // the differ reports a deleted value as 0
      const gone = values.after === 0 && typeof values.before !== 'number';
      const label = aspect([path, values.before?.$type, values.after?.$type].join(' '));
      const before = show(values.before);
      const after = gone ? '' : show(values.after);
      if (!details.some((d) => d.label === label && d.before === before && d.after === after)) {
        details.push({ label, before, after });
      }
    }
    return { ...describe(model), details };
  }).filter((c) => c.id);
  const seen = new Set([...Object.keys(result._added), ...changed.map((c) => c.id)]);
  return {
    added: Object.values(result._added).map(describe),
    removed: Object.values(result._removed).map(describe),
    changed,
    layout: Object.values(result._layoutChanged).filter((e) => e && !seen.has(e.id)).map(describe),
  };
}

export function changeCount(changes) {
  return changes.added.length + changes.removed.length + changes.changed.length;
}
