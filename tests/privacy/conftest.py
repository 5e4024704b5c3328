import pytest
from django.utils import timezone

from privacy.models import PolicyDocument


def publish(kind: str, version: int, *, language: str = "zh-hans", title: str = "") -> None:
    PolicyDocument.objects.create(
        kind=kind,
        version=version,
        language=language,
        title=title or f"{kind} 第 {version} 版",
        body=f"{kind} v{version} 正文",
        published_at=timezone.now(),
    )


@pytest.fixture
def policies(db):
    publish("privacy", 1, title="隐私政策")
    publish("terms", 1, title="用户协议")
