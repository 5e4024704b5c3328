from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import Conflict, DomainError, NotFound


class UnknownConsent(DomainError):
    code = "unknown_consent"
    message = _("没有这种授权。")


class MerchantRequired(DomainError):
    code = "merchant_required"
    message = _("请指定商户。")


class PolicyNotPublished(NotFound):
    code = "policy_not_published"
    message = _("该文档尚未发布。")


class PolicyVersionOutdated(Conflict):
    code = "policy_version_outdated"
    message = _("文档已更新，请阅读最新版本后再同意。")


class ExportNotReady(Conflict):
    code = "export_not_ready"
    message = _("导出文件还没有准备好。")


class ExportLinkInvalid(DomainError):
    status_code = status.HTTP_410_GONE
    code = "export_link_invalid"
    message = _("下载链接无效、已过期或已使用，请重新获取。")


class ReauthenticationFailed(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "reauthentication_failed"
    message = _("身份验证失败：密码或验证码不正确。")


class DeletionBlocked(Conflict):
    code = "deletion_blocked"
    message = _("还有未完成的订单或未用完的余额、权益，请先处理或明确放弃。")


class DeletionNotPending(NotFound):
    code = "deletion_not_pending"
    message = _("没有待处理的注销申请。")


class ConsentRequired(DomainError):
    """Sign-in refused until the current documents are accepted: `fields` names each one to
    accept ({kind: [version, title]}); sign in again with them in `accepted`."""

    status_code = status.HTTP_403_FORBIDDEN
    code = "consent_required"
    message = _("请阅读并同意最新的隐私政策和用户协议后再登录。")
