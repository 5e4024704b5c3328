"""Documents and consents: the current version of each document, acceptance (version, time,
channel), withdrawal, and what a user still has to accept when a session opens."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User

from ..consents import KINDS, ConsentKind
from ..errors import ConsentRequired, PolicyNotPublished, PolicyVersionOutdated, UnknownConsent
from ..models import Consent, DeletionRequest, DeletionStatus, PolicyDocument

PRIMARY_LANGUAGE = "zh-hans"


def policy_current_version(kind: str) -> int | None:
    return PolicyDocument.objects.filter(kind=kind, published_at__isnull=False).aggregate(
        v=Max("version")
    )["v"]


def policy_document(*, kind: str, language: str, version: int | None = None) -> PolicyDocument:
    """The document in the asked language, else in Chinese (the text that binds)."""
    version = version or policy_current_version(kind)
    published = PolicyDocument.objects.filter(
        kind=kind, version=version, published_at__isnull=False
    )
    for lang in (language, PRIMARY_LANGUAGE):
        document = published.filter(language=lang).first()
        if document is not None:
            return document
    document = published.first()
    if document is None:
        raise PolicyNotPublished()
    return document


def kinds_for(user: User) -> list[ConsentKind]:
    return [k for k in KINDS.values() if not k.consumers_only or user.role == Role.CONSUMER]


def kind_for(user: User, kind: str) -> ConsentKind:
    for entry in kinds_for(user):
        if entry.kind == kind:
            return entry
    raise UnknownConsent(fields={"kind": [str(UnknownConsent.message)]})


@transaction.atomic
def document_consent_record(*, user: User, kind: str, version: int | None, channel: str) -> Consent:
    current = policy_current_version(kind)
    if current is None:
        raise PolicyNotPublished()
    if version is not None and version != current:
        raise PolicyVersionOutdated(fields={"version": [f"{current}"]})
    Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).exclude(
        version=current
    ).update(withdrawn_at=timezone.now())  # superseded by this acceptance
    standing = Consent.objects.filter(
        user=user, kind=kind, version=current, withdrawn_at__isnull=True
    ).first()
    return standing or Consent.objects.create(
        user=user, kind=kind, version=current, channel=channel
    )


@transaction.atomic
def document_consent_withdraw(*, user: User, kind: str) -> None:
    Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )


@transaction.atomic
def consent_grant(
    *,
    user: User,
    kind: str,
    version: int | None = None,
    channel: str,
    merchant: int | None = None,
) -> None:
    entry = kind_for(user, kind)
    if entry.document and version is None and entry.required:
        raise PolicyVersionOutdated(fields={"version": [_("请注明所同意的版本。")]})
    entry.grant(user, version, channel, merchant)


@transaction.atomic
def consent_withdraw(*, user: User, kind: str, merchant: int | None = None) -> None:
    """Withdraw a consent; for a per-merchant kind, one merchant's or (none named) all."""
    kind_for(user, kind).withdraw(user, merchant)


def consents_missing(user: User) -> list[dict]:
    """Required documents whose current version the user has not accepted."""
    missing = []
    for entry in kinds_for(user):
        if not entry.required or entry.document is None:
            continue
        current = policy_current_version(entry.document)
        if current is None:
            continue  # nothing published yet: nothing to accept
        state = entry.state(user)
        if not state.granted or state.version != current:
            title = (
                PolicyDocument.objects.filter(
                    kind=entry.document, version=current, language=PRIMARY_LANGUAGE
                )
                .values_list("title", flat=True)
                .first()
            )
            missing.append({"kind": entry.kind, "version": current, "title": title or ""})
    return missing


@transaction.atomic
def on_session_opened(
    *, user: User, registered: bool, accepted: list[dict], channel: str, **_
) -> dict:
    """Registration and sign-in: record the documents accepted on the form (version, time,
    channel), cancel a pending account deletion (signing in is changing one's mind), and say
    which consents are still missing. A sign-in with a current document not accepted is
    refused (ConsentRequired, naming the documents): one must accept before using the app;
    registration lists them instead (the account exists; its first sign-in asks)."""
    for item in accepted:
        entry = KINDS.get(item["kind"])
        if entry is None or entry.document is None:
            continue
        if item["version"] == policy_current_version(entry.document):
            entry.grant(user, item["version"], channel)
    missing = consents_missing(user)
    if missing and not registered:
        raise ConsentRequired(
            fields={item["kind"]: [str(item["version"]), item["title"]] for item in missing}
        )
    cancelled = False
    if not registered:
        cancelled = bool(
            DeletionRequest.objects.filter(user=user, status=DeletionStatus.PENDING).update(
                status=DeletionStatus.CANCELLED, cancelled_at=timezone.now()
            )
        )
    return {"consents_missing": missing, "deletion_cancelled": cancelled}
