"""Workflow state <-> JSON, with the spec kept once per process version.

SpiffWorkflow's serializer writes the whole spec into every saved instance; here
the spec is serialized once at deploy time (ProcessVersion.spec_json), restored
once per process (cached in app.engine.store), and instance state is stored without it.
"""

from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from app.engine import limits
from app.engine.environment import SCRIPT_ENGINE
from app.engine.errors import ProcessFailure


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Like the stock converter, but leaves the spec out and takes it back in."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = SpeclessWorkflowConverter
REGISTRY = BpmnWorkflowSerializer.configure(_config)
SERIALIZER = BpmnWorkflowSerializer(REGISTRY)


def dump_spec(spec, subprocess_specs: dict) -> str:
    return json.dumps(
        {
            "spec": REGISTRY.convert(spec),
            "subprocess_specs": {name: REGISTRY.convert(s) for name, s in subprocess_specs.items()},
        }
    )


def load_spec(spec_json: str):
    """Restored spec objects (app.engine.store caches them per version: specs are
    shared, never mutated)."""
    dct = json.loads(spec_json)
    spec = REGISTRY.restore(dct["spec"])
    subprocess_specs = {name: REGISTRY.restore(s) for name, s in dct["subprocess_specs"].items()}
    return spec, subprocess_specs


def dump_state(workflow) -> str:
    REGISTRY._encoder_mode = True
    try:
        dct = SERIALIZER.to_dict(workflow)
        dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
        called = getattr(workflow, "called_versions", None)
        if called:
            dct["called_versions"] = called  # see app.engine.binding
        text = json.dumps(dct, cls=SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        REGISTRY._encoder_mode = False
    if len(text) > limits.MAX_STATE_BYTES:
        raise ProcessFailure(
            f"案件数据过大（{len(text) // 1000} KB，上限 {limits.MAX_STATE_BYTES // 1000} KB）：流程的脚本生成了过多数据"
        )
    return text


def load_state(state_json: str, spec, subprocess_specs, rebind=None) -> BpmnWorkflow:
    """rebind(called_versions) -> subprocess specs: the called processes' versions
    this case runs (app.engine.binding)."""
    dct = json.loads(state_json, cls=SERIALIZER.json_decoder_cls)
    called = dct.pop("called_versions", None) or {}
    if rebind is not None:
        subprocess_specs = rebind(called)
    SERIALIZER.migrate(dct)
    workflow = REGISTRY.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = SCRIPT_ENGINE
    workflow.called_versions = called
    return workflow


def new_workflow(spec, subprocess_specs) -> BpmnWorkflow:
    return BpmnWorkflow(spec, subprocess_specs, script_engine=SCRIPT_ENGINE)
