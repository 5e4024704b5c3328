"""Everything in crm that writes. The feed (`customer_touch`) is what other apps call."""

from .analytics import kpi_target_set
from .complaints import complaint_create, complaint_resolve, complaint_update
from .directory import customer_add, customer_update, customers_csv, customers_import
from .feed import customer_touch, customer_touch_apply
from .grading import crm_settings_save, customers_recompute, service_standards_set
from .plans import (
    plan_approve,
    plan_create,
    plan_return,
    plan_submit,
    plan_summarize,
    plan_update,
    staff_hand_over,
)
from .retention import retention_task_create, task_complete
from .today import callback_book, contact_log

__all__ = [
    "callback_book",
    "complaint_create",
    "complaint_resolve",
    "complaint_update",
    "contact_log",
    "crm_settings_save",
    "customer_add",
    "customer_touch",
    "customer_touch_apply",
    "customer_update",
    "customers_csv",
    "customers_import",
    "customers_recompute",
    "kpi_target_set",
    "plan_approve",
    "plan_create",
    "plan_return",
    "plan_submit",
    "plan_summarize",
    "plan_update",
    "retention_task_create",
    "service_standards_set",
    "staff_hand_over",
    "task_complete",
]
