"""The engine adapter: the only package that imports SpiffWorkflow.

The web, the scheduler, the API and the CLI use these functions; none of them
touches a SpiffWorkflow object.
"""

from app.engine.deploy import deploy_bundled, publish, published_version, published_versions, save_draft
from app.engine.documents import DOCUMENT_LISTENERS
from app.engine.errors import Conflict, EngineError, FormInvalid, InvalidProcess, NotAllowed, ProcessFailure
from app.engine.forms import FormField
from app.engine.indexes import open_task_items
from app.engine.steps import (
    check_can_act,
    check_can_start,
    claim,
    complete,
    offered_task_form,
    start_case,
    start_form,
    step_info,
    task_form,
    task_guidance,
    unclaim,
)
from app.engine.store import audit
from app.engine.timers import TIMER_LISTENERS, due_timer_case_ids, fire_case_timers, lock_due, mark_not_fired

__all__ = [
    "deploy_bundled",
    "publish",
    "published_version",
    "published_versions",
    "save_draft",
    "Conflict",
    "EngineError",
    "FormInvalid",
    "InvalidProcess",
    "NotAllowed",
    "ProcessFailure",
    "FormField",
    "TIMER_LISTENERS",
    "DOCUMENT_LISTENERS",
    "audit",
    "check_can_act",
    "check_can_start",
    "claim",
    "complete",
    "offered_task_form",
    "open_task_items",
    "due_timer_case_ids",
    "fire_case_timers",
    "lock_due",
    "mark_not_fired",
    "start_case",
    "start_form",
    "step_info",
    "task_form",
    "task_guidance",
    "unclaim",
]
