"""Dates the today list needs: Chinese holidays (the `holidays` library, lunar ones included),
traditional lunar festivals (`lunardate`), birthdays (solar or lunar) and month arithmetic."""

import calendar as gregorian
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.utils.translation import get_language
from lunardate import LunarDate

# Traditional festivals that are not days off but are occasions to send care (lunar month, day).
LUNAR_FESTIVALS = [
    (1, 15, "元宵节", "Lantern Festival"),
    (7, 7, "七夕", "Qixi Festival"),
    (9, 9, "重阳节", "Double Ninth Festival"),
    (12, 8, "腊八节", "Laba Festival"),
]


@dataclass(frozen=True)
class Occasion:
    day: date
    name: str  # Chinese
    name_en: str = ""

    @property
    def label(self) -> str:
        """The name in the active language (the holiday names come from the `holidays`
        library in both languages, not from our catalogue)."""
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))


@lru_cache(maxsize=16)
def holidays_of_year(year: int) -> tuple[Occasion, ...]:
    """The first day of each public holiday (not the days off moved around it), and the lunar
    festivals, in date order."""
    named = holidays.country_holidays("CN", years=year, language="zh_CN")
    english = holidays.country_holidays("CN", years=year, language="en_US")
    first: dict[str, tuple[date, str]] = {}
    for day, name in sorted(named.items()):
        label = english.get(day, "")
        if "Day off" in label or "observed" in label:
            continue
        first.setdefault(name, (day, label))
    occasions = [Occasion(day, name, label) for name, (day, label) in first.items()]
    for month, lunar_day, name, name_en in LUNAR_FESTIVALS:
        try:
            solar = LunarDate(year, month, lunar_day).to_solar_date()
            occasions.append(Occasion(solar, name, name_en))
        except ValueError:
            continue
    return tuple(sorted(occasions, key=lambda o: o.day))


def occasions_between(start: date, end: date) -> list[Occasion]:
    """Holidays and festivals on days start..end inclusive."""
    found = []
    for year in range(start.year, end.year + 1):
        found += [o for o in holidays_of_year(year) if start <= o.day <= end]
    return found


def birthday_in_year(birthday: date, year: int, *, lunar: bool) -> date | None:
    """The day the birthday falls on in `year` (a lunar birthday converted; Feb 29 -> Feb 28)."""
    if lunar:
        for day in (birthday.day, birthday.day - 1):  # a 30th in a 29-day month: the 29th
            try:
                return LunarDate(year, birthday.month, day).to_solar_date()
            except ValueError:
                continue
        return None
    if birthday.month == 2 and birthday.day == 29 and not gregorian.isleap(year):
        return date(year, 2, 28)
    return birthday.replace(year=year)


def next_birthday(birthday: date, today: date, *, lunar: bool) -> date | None:
    """The next time the birthday comes, today included (a lunar one may fall in the next
    Gregorian year or the previous one's lunar year)."""
    candidates = [
        birthday_in_year(birthday, year, lunar=lunar)
        for year in (today.year - 1, today.year, today.year + 1)
    ]
    upcoming = [d for d in candidates if d is not None and d >= today]
    return min(upcoming) if upcoming else None


def days(n: int) -> timedelta:
    return timedelta(days=n)
