from django.utils.translation import gettext_lazy as _

from core.errors import Conflict


class AlreadyDecided(Conflict):
    code = "moderation_already_decided"
    message = _("该内容已处理过。")


class TextUnderReview(Conflict):
    code = "text_under_review"
    message = _("文字内容正在审核，通过后才能发布。")
