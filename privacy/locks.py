"""Row locks of the privacy app (ARCHITECTURE.md, "locks.py").

Erasing locks the deletion request, then its account (accounts.locks.user_lock); nothing locks
them the other way round.
"""

from accounts.models import User

from .models import DataExport, DeletionRequest, DeletionStatus, ExportStatus


def export_lock(pk: int | None) -> DataExport | None:
    return DataExport.objects.select_for_update(of=("self",)).filter(pk=pk).first()


def pending_export_lock(user: User) -> DataExport | None:
    """The user's pending export, locked: a second request while one waits finds it."""
    return (
        DataExport.objects.select_for_update(of=("self",))
        .filter(user=user, status=ExportStatus.PENDING)
        .first()
    )


def deletion_request_lock(pk: int) -> DeletionRequest | None:
    return DeletionRequest.objects.select_for_update(of=("self",)).filter(pk=pk).first()


def pending_deletion_lock(user: User) -> DeletionRequest | None:
    return (
        DeletionRequest.objects.select_for_update(of=("self",))
        .filter(user=user, status=DeletionStatus.PENDING)
        .first()
    )
