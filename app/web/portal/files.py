"""Files an applicant sends online: the materials of an application, and those of a
step the diagram gives to the party (补正, 陈述申辩).  They are the case's attachments with
channel "portal", under the subject's name; the applicant reads back only these."""

from __future__ import annotations

from app import engine
from app.attachments.service import Limits, attach
from app.errors import Invalid
from app.extensions import db
from app.models import ApplicantProfile, Case, TaskItem, User
from app.web.form_files import store_form_files
from app.web.uploads import sent_files

APPLICATION_FILES = "application_files"
APPLICATION_LABEL = "申请书及证明材料"


def attach_application_files(
    case: Case, user: User, profile: ApplicantProfile, name: str = APPLICATION_FILES
):
    """The files sent with an online application, in its transaction (flushes)."""
    uploads = sent_files(name)
    limits = Limits.officers()
    if len(uploads) > limits.per_form:
        raise Invalid("提交的内容有误", {name: f"一次最多上传 {limits.per_form} 个文件"})
    for upload in uploads:
        attach(
            db.session,
            case,
            upload.stream,
            upload.filename,
            actor=user,
            label=APPLICATION_LABEL,
            field=name,
            channel="portal",
            actor_name=profile.subject_name,
        )


def store_step_files(case: Case, item: TaskItem, user: User, profile: ApplicantProfile):
    """The files sent for the step's file fields; ({field: ids}, {field: error}) as
    app.web.form_files (committed)."""
    fields = engine.task_form(case.process_version, item.step, case)
    return store_form_files(
        case,
        fields,
        actor=user,
        task_item=item,
        channel="portal",
        actor_name=profile.subject_name,
    )
