"""All models, imported here so that metadata and Alembic see every table."""

from app.models.attachment import Attachment
from app.models.base import Base
from app.models.board import BoardCount
from app.models.calendar import CalendarYear, HolidayOverride
from app.models.case import AuditEvent, Case, CaseStatus, Notification, TaskItem, Timer
from app.models.figures import FiguresSnapshot
from app.models.imports import ImportUpload
from app.models.incidents import Incident
from app.models.listing import Document, DocumentCounter
from app.models.messages import MessageEvent, MessageSubscription
from app.models.notify import ContactSetting, OutboundMessage
from app.models.ops import SchedulerRun
from app.models.org import ApiToken, Bureau, Role, User, UserRole
from app.models.partners import (
    Delivery,
    MeasureFeedback,
    Organisation,
    OutboundEvent,
    RegisterQuery,
    Subscription,
)
from app.models.platforms import PlatformApplication, PlatformItem
from app.models.portal import ApplicantProfile, DocumentReceipt
from app.models.process import Process, ProcessVersion
from app.models.register import ACTIVE_STATUSES, EntryStatus, IllegalTransition, RegisterEntry
from app.models.throttle import ThrottleCounter
from app.models.tips import Tip

__all__ = [
    "ACTIVE_STATUSES",
    "Attachment",
    "Base",
    "BoardCount",
    "ApiToken",
    "Bureau",
    "Role",
    "User",
    "UserRole",
    "Process",
    "ProcessVersion",
    "EntryStatus",
    "FiguresSnapshot",
    "IllegalTransition",
    "RegisterEntry",
    "AuditEvent",
    "Case",
    "CaseStatus",
    "Notification",
    "ContactSetting",
    "OutboundMessage",
    "TaskItem",
    "Timer",
    "CalendarYear",
    "HolidayOverride",
    "Document",
    "DocumentCounter",
    "Delivery",
    "MeasureFeedback",
    "Organisation",
    "OutboundEvent",
    "RegisterQuery",
    "Subscription",
    "Tip",
    "ThrottleCounter",
    "PlatformApplication",
    "PlatformItem",
    "ApplicantProfile",
    "DocumentReceipt",
    "Incident",
    "MessageEvent",
    "MessageSubscription",
    "ImportUpload",
    "SchedulerRun",
]
