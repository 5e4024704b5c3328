"""What a writer's own answers say about their text under review: `under_review`, the fields
whose newest text waits for staff (the answer shows the text that is public meanwhile)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .services import pending_of


@extend_schema_field(
    serializers.ListField(
        child=serializers.CharField(),
        help_text="Fields whose submitted text waits for review (not public until approved).",
    )
)
class UnderReviewField(serializers.Field):
    def __init__(self, subject: str, **kwargs):
        self.subject = subject
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> list[str]:
        return sorted(pending_of(subject=self.subject, object_id=obj.pk))
