"""Which version of a called process a call activity runs (Camunda's
calledElementBinding): by default the called process's version that is published
when the call runs; with `camunda:calledElementBinding="version"` and
`camunda:calledElementVersion="n"`, version n.

A case records the version each call started on (in its state, `called_versions`)
and keeps it for as long as it runs, as a case keeps its own version.  The steps of
a called process are described by that version's meta (roles, forms, timers)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ProcessVersion
from app.models.process import RAN_STATES

STATE_KEY = "called_versions"


@dataclass
class Bound:
    """The called versions a workflow may run: key -> version (recorded or not yet)."""

    versions: dict[str, ProcessVersion] = field(default_factory=dict)
    recorded: dict[str, int] = field(default_factory=dict)


def _latest(session: Session, key: str) -> ProcessVersion | None:
    return session.scalar(
        select(ProcessVersion)
        .where(ProcessVersion.key == key, ProcessVersion.state == "published")
        .order_by(ProcessVersion.number.desc())
        .limit(1)
    )


def _pinned(session: Session, key: str, number: int | None) -> ProcessVersion | None:
    return session.scalar(
        select(ProcessVersion).where(
            ProcessVersion.key == key,
            ProcessVersion.number == number,
            ProcessVersion.state.in_(RAN_STATES),
        )
    )


def bind(
    session: Session,
    version: ProcessVersion,
    subprocess_specs: dict,
    recorded: dict[str, int],
    spec_for: Callable,
) -> tuple[dict, Bound]:
    """The subprocess specs to run with: recorded versions for calls already made,
    the binding's version for calls still to come."""
    bound = Bound(recorded=dict(recorded or {}))
    specs = dict(subprocess_specs)
    for call in (version.meta or {}).get("calls", []):
        key = call.get("process")
        if not key or call.get("in_file") or key in bound.versions:
            continue
        if key in bound.recorded:
            target = session.get(ProcessVersion, bound.recorded[key])
        elif call.get("binding") == "version":
            target = _pinned(session, key, call.get("version"))
        else:
            target = _latest(session, key)
        if target is None or not target.spec_json:
            continue  # keep the version embedded at save time
        callee_spec, callee_subs = spec_for(target)
        specs[key] = callee_spec
        for name, sub in callee_subs.items():
            specs.setdefault(name, sub)
        bound.versions[key] = target
    return specs, bound


def record_calls(workflow, bound: Bound) -> dict[str, int]:
    """After a step: the calls that have started now keep their version."""
    started = {sub.spec.name for sub in workflow.subprocesses.values()}
    for key, target in bound.versions.items():
        if key in started and key not in bound.recorded:
            bound.recorded[key] = target.id
    return bound.recorded


def callee_meta(meta: dict, bound: Bound | None) -> dict:
    """The version's meta, with the steps and timers of each bound called process
    taken from the version that runs it."""
    if bound is None or not bound.versions:
        return meta
    steps, timers, scopes = (
        dict(meta.get("steps", {})),
        dict(meta.get("timers", {})),
        dict(meta.get("scopes", {})),
    )
    for key, target in bound.versions.items():
        own = target.meta or {}
        for element_id, info in own.get("steps", {}).items():
            steps[element_id if ":" in element_id else f"{key}:{element_id}"] = info
        for element_id, info in own.get("timers", {}).items():
            step = info.get("step")
            timers[element_id if ":" in element_id else f"{key}:{element_id}"] = {
                **info,
                "step": step if not step or ":" in step else f"{key}:{step}",
            }
        for spec_name, owner in (own.get("scopes") or {key: key}).items():
            scopes.setdefault(spec_name, key if owner == own.get("process_id", key) else owner)
    return {**meta, "steps": steps, "timers": timers, "scopes": scopes}


def recorded_versions(state_json: str) -> dict[str, int]:
    """The called versions a stored case state records (without restoring it)."""
    if not state_json or STATE_KEY not in state_json:
        return {}
    return dict(json.loads(state_json).get(STATE_KEY) or {})
