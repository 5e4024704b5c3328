import datetime

from django.utils.translation import gettext as _
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


# --- bounded input fields ----------------------------------------------------------------------
# Every integer, decimal and date the API accepts has bounds, here once: in the serializer (out of
# range is 400 with field errors, never a database overflow or a date arithmetic error, 500) and
# in the OpenAPI schema (DRF's min/max become minimum/maximum, so the schema fuzz generates the
# edges). tests/reliability/test_input_bounds.py walks the schema and fails on an unbounded one.

BIGINT_MAX = 2**63 - 1  # a BigAutoField id
MONEY_FEN_MAX = 10_000_000_000  # 1 亿元 in fen: beyond any single payment, top-up or price
POINTS_MAX = 1_000_000_000
COUNT_MAX = 100_000  # quantities, capacities, counts a person types
DAYS_MAX = 3650  # a period in days: ten years
DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2099, 12, 31)
BIRTHDAY_MIN = datetime.date(1900, 1, 1)


def date_bounds_check(value) -> None:
    """A validator for dashboard form fields (dates or instants): 2000-01-01 .. 2099-12-31."""
    from django.core.exceptions import ValidationError

    day = value.date() if isinstance(value, datetime.datetime) else value
    if value is not None and not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            _("日期须在 %(earliest)s 至 %(latest)s 之间。")
            % {"earliest": DATE_MIN.isoformat(), "latest": DATE_MAX.isoformat()}
        )


class IdField(serializers.IntegerField):
    """A row id: 1 .. 2^63-1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


class MoneyFenField(serializers.IntegerField):
    """An amount in fen: 0 .. 1 亿元 (pass min_value=1 for amounts that must be positive)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MONEY_FEN_MAX)
        super().__init__(**kwargs)


class PointsField(serializers.IntegerField):
    """Points, or a change of points (signed): -10^9 .. 10^9."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -POINTS_MAX)
        kwargs.setdefault("max_value", POINTS_MAX)
        super().__init__(**kwargs)


class CountField(serializers.IntegerField):
    """A count a person types (quantity, capacity, limit): 0 .. 100 000."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", COUNT_MAX)
        super().__init__(**kwargs)


class BoundedDateField(serializers.DateField):
    """A calendar date in `earliest` .. `latest` (default 2000-01-01 .. 2099-12-31); the
    schema carries them as x-minimum / x-maximum (core.schema.BoundedDateScheme)."""

    def __init__(self, *, earliest=DATE_MIN, latest=DATE_MAX, **kwargs):
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not self.earliest <= day <= self.latest:
            raise serializers.ValidationError(
                _("日期须在 %(earliest)s 至 %(latest)s 之间。")
                % {"earliest": self.earliest.isoformat(), "latest": self.latest.isoformat()}
            )
        return day


class BoundedDateTimeField(serializers.DateTimeField):
    """An instant whose date is in 2000-01-01 .. 2099-12-31."""

    earliest, latest = DATE_MIN, DATE_MAX

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not self.earliest <= moment.date() <= self.latest:
            raise serializers.ValidationError(
                _("时间须在 %(earliest)s 至 %(latest)s 之间。")
                % {"earliest": self.earliest.isoformat(), "latest": self.latest.isoformat()}
            )
        return moment
