from django.utils.translation import gettext_lazy as _

from core.errors import Conflict


class AlreadyDecided(Conflict):
    code = "moderation_already_decided"
    message = _("该内容已处理过。")
