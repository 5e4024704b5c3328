from django import forms
from django.utils.translation import gettext_lazy as _

from core.serializers import date_bounds_check

from .base import DashboardForm

WEEKDAYS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]
MIN_SLOTS = 3  # spans shown per weekday: lunch, dinner and a late one is what shops use


def time_input(label: str = "") -> forms.TimeInput:
    attrs = {"type": "time", **({"aria-label": label} if label else {})}
    return forms.TimeInput(format="%H:%M", attrs=attrs)


class WeekHoursForm(DashboardForm):
    """The week's spans: each weekday has a few opens-closes pairs; blank pairs are ignored.
    A span whose closing time is not after its opening runs past midnight; 00:00-00:00 is
    all day (merchants.services.shop_hours_set decides what is valid)."""

    def __init__(self, *args, slots: int = MIN_SLOTS, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = max(slots, MIN_SLOTS)
        for day, weekday in enumerate(WEEKDAYS):
            for slot in range(self.slots):
                for end, label in (("opens", _("开门")), ("closes", _("关门"))):
                    self.fields[f"d{day}s{slot}_{end}"] = forms.TimeField(
                        label=label, required=False, widget=time_input(f"{weekday} {label}")
                    )

    @classmethod
    def for_hours(cls, hours, data=None) -> "WeekHoursForm":
        """The form showing a shop's current hours (with room for one more span a day)."""
        by_day: dict[int, list] = {}
        for span in hours:
            by_day.setdefault(span.weekday, []).append(span)
        initial = {}
        for day, spans in by_day.items():
            for slot, span in enumerate(spans):
                initial[f"d{day}s{slot}_opens"] = span.opens
                initial[f"d{day}s{slot}_closes"] = span.closes
        busiest = max((len(spans) for spans in by_day.values()), default=0)
        return cls(data, initial=initial, slots=busiest + 1)

    def clean(self):
        cleaned = super().clean()
        spans = []
        for day in range(7):
            for slot in range(self.slots):
                opens = cleaned.get(f"d{day}s{slot}_opens")
                closes = cleaned.get(f"d{day}s{slot}_closes")
                if opens is None and closes is None:
                    continue
                if opens is None or closes is None:
                    missing = f"d{day}s{slot}_{'opens' if opens is None else 'closes'}"
                    self.add_error(missing, _("请同时填写开门和关门时间。"))
                    continue
                spans.append({"weekday": day, "opens": opens, "closes": closes})
        cleaned["spans"] = spans
        return cleaned

    def days(self) -> list[dict]:
        """For the template: each weekday with its (opens, closes) bound fields."""
        return [
            {
                "index": day,
                "label": label,
                "spans": [
                    (self[f"d{day}s{slot}_opens"], self[f"d{day}s{slot}_closes"])
                    for slot in range(self.slots)
                ],
            }
            for day, label in enumerate(WEEKDAYS)
        ]


class HoursExceptionForm(DashboardForm):
    """A dated exception: closed (a holiday) or open at special hours."""

    date = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[date_bounds_check],
    )
    is_closed = forms.TypedChoiceField(
        label=_("当天"),
        coerce=lambda value: value == "closed",
        choices=[("closed", _("休息")), ("open", _("特殊营业时间"))],
        initial="closed",
        widget=forms.RadioSelect,
    )
    opens = forms.TimeField(label=_("开门"), required=False, widget=time_input())
    closes = forms.TimeField(label=_("关门"), required=False, widget=time_input())
    note = forms.CharField(label=_("说明"), max_length=60, required=False)
