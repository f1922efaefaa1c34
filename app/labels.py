"""The Chinese names of codes that pages, documents and exports show, declared once.

Register entry statuses are named by their enum (app.models.EntryStatus.label); roles
and situations by app.domain; everything else that carries a code is named here.
"""

from __future__ import annotations

# A case's status: "active" while it runs, then the result its diagram set.
CASE_STATUSES = {
    "active": "办理中",
    "granted": "准予提前移出",
    "refused": "不予提前移出",
    "rejected": "不予受理",
    "lapsed": "申请失效",
    "completed": "已办结",
    "listed": "已列入",
    "dropped": "不予列入",
    "withdrawn": "已撤销",
    "expired": "期满移出",
    "removed_early": "已提前移出",
    "revoked": "已撤销提前移出",
    "not_revoked": "不予撤销",
    "kept": "维持列入",
    "suspended": "修复结果中止",
}

# What an entry of a case's history (AuditEvent.action) records.
ACTIONS = {
    "start": "发起",
    "complete": "办理",
    "attach": "上传附件",
    "claim": "认领",
    "unclaim": "退回待认领",
    "timer_deadline": "期限届满",
    "timer_cutoff": "期限届满（终止环节）",
    "period_began": "期间开始",
    "timer_warning": "即将到期提醒",
    "timer_wait": "定时到达",
    "timer_retry": "重试计时器",
    "end": "流程结束",
    "calendar_warning": "节假日提示",
    "register_removed_early": "名单变更",
    "reminder": "督办提醒",
    "reassign": "改派",
    "note": "督办备注",
    "documents": "制作文书",
    "register_listed": "列入名单",
    "register_dropped": "不予列入",
    "register_published": "公示",
    "register_expired": "期满移出",
    "register_withdrawn": "撤销列入",
    "register_restored": "恢复列入",
    "register_suspended": "中止修复结果",
    "register_resumed": "恢复修复结果",
    "repair_eligible": "可申请信用修复",
    "portal_submit": "当事人网上提交",
    "served_online": "电子送达",
    "applicant_approved": "确认申请人账号",
    "applicant_rejected": "退回申请人账号",
    "tip_replied": "答复举报人",
    "role_created": "新增角色",
    "bureau_created": "新增机关",
    "user_created": "新增用户",
    "user_updated": "修改用户",
    "user_deactivated": "停用用户",
    "user_reactivated": "启用用户",
    "password_reset": "重置密码",
    "users_imported": "导入用户",
    "platform_delivery": "报送全国信用平台",
}

# A timer's kind (the diagram's timer_kind).
TIMER_KINDS = {"deadline": "办理期限", "warning": "到期预警", "cutoff": "截止（终止环节）", "wait": "定时"}


# Where an application came in (case facts "channel"), shown to the officers.
APPLICATION_CHANNELS = {"counter": "窗口受理", "online": "网上申请", "creditchina": "信用中国推送"}


def channel_label(code: str | None) -> str:
    return APPLICATION_CHANNELS.get(code or "", code or "")


def case_status_label(code: str) -> str:
    return CASE_STATUSES.get(code, code)


def action_label(code: str) -> str:
    return ACTIONS.get(code, code)
