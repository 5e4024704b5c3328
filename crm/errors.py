from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, DomainError


class CustomerExists(Conflict):
    code = "customer_exists"
    message = _("该手机号的顾客已在客户档案中。")


class NotOurStaff(DomainError):
    code = "not_our_staff"
    message = _("该店员不属于本商户。")


class OwnerOnly(DomainError):
    status_code = 403
    code = "permission_denied"
    message = _("只有店主可以执行此操作。")


class PlanStateInvalid(Conflict):
    code = "plan_state_invalid"
    message = _("计划当前状态不允许此操作。")


class BudgetOverStandard(DomainError):
    code = "budget_over_standard"
    message = _("预算超出该等级的礼品支出标准。")


class TaskClosed(Conflict):
    code = "task_closed"
    message = _("任务已完成。")


class RetentionTaskOpen(Conflict):
    code = "retention_task_open"
    message = _("该顾客已有进行中的挽留任务。")


class ComplaintStateInvalid(Conflict):
    code = "complaint_state_invalid"
    message = _("投诉当前状态不允许此操作。")


class InvalidScorecard(DomainError):
    code = "invalid_scorecard"
    message = _("评分卡设置无效。")


class CsvUnreadable(DomainError):
    code = "csv_unreadable"
    message = _("无法读取 CSV 文件（需要 UTF-8 编码并包含表头 name, phone）。")


class CustomerHasNoPhone(DomainError):
    code = "customer_has_no_phone"
    message = _("该顾客没有手机号。")
