"""Demo data for `manage.py seed_demo`: version 1 of the privacy policy, the terms and the
location notice (Chinese and English), the demo accounts' acceptance (the consumer's of the
location notice too: they sign in without being asked), and a few banned
words for the content filter. Idempotent: skipped once a privacy policy exists."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from moderation.models import BannedWord
from privacy.consents import KINDS
from privacy.models import DocumentKind, PolicyDocument

TEXTS = {
    DocumentKind.PRIVACY: (
        (
            "隐私政策",
            "我们收集手机号、订单、支付与会员卡记录用于提供服务；位置信息仅在您另行同意后使用。",
        ),
        (
            "Privacy policy",
            "We collect your phone number, orders, payments and card records to "
            "provide the service; your location is used only with your separate consent.",
        ),
    ),
    DocumentKind.TERMS: (
        ("用户协议", "使用本平台即表示您同意遵守平台规则。"),
        ("Terms of service", "By using the platform you agree to its rules."),
    ),
    DocumentKind.LOCATION: (
        ("位置信息使用说明", "签到与活动区域用于推送您附近的闪购；撤回同意后相关数据即被删除。"),
        (
            "Location notice",
            "Check-ins and your activity area bring you flash deals nearby; "
            "withdrawing deletes them.",
        ),
    ),
}
WORDS = ["代开发票", "刷单", "法轮功"]


@transaction.atomic
def demo_privacy_load(*, consumer: User, others: list[User]) -> bool:
    if PolicyDocument.objects.filter(kind=DocumentKind.PRIVACY).exists():
        return False
    now = timezone.now()
    for kind, ((zh_title, zh_body), (en_title, en_body)) in TEXTS.items():
        for language, title, body in (("zh-hans", zh_title, zh_body), ("en", en_title, en_body)):
            PolicyDocument.objects.create(
                kind=kind, version=1, language=language, title=title, body=body, published_at=now
            )
    for kind in ("privacy", "terms", "location"):
        KINDS[kind].grant(consumer, 1, "demo")
    for user in others:  # the merchant owner and the platform admin
        for kind in ("privacy", "terms"):
            KINDS[kind].grant(user, 1, "demo")
    for word in WORDS:
        BannedWord.objects.get_or_create(word=word)
    return True
