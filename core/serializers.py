from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable error code.")
    detail = serializers.CharField(help_text="Human-readable message (Chinese by default).")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per-field messages; keys are dotted paths for nested input.",
    )


@extend_schema_field(
    {
        "type": "string",
        "format": "partial-time",
        "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$",
        "example": "10:00:00",
    }
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in Asia/Shanghai, "HH:MM[:SS]", without an offset. OpenAPI's `time`
    format means RFC 3339 full-time, which requires an offset that opening hours do not have."""
