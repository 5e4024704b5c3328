"""CSV for people to open in a spreadsheet: every exported file is written through `csv_writer`.

A cell that starts with = + - @ (or a tab or carriage return, which some spreadsheets skip
before reading a formula) is prefixed with an apostrophe, so a customer's name, a tag or a
level name such as `=HYPERLINK(...)` is shown as text and never run as a formula (OWASP "CSV
injection"). Numbers are written as they are.
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose every cell goes through cell_safe."""

    def __init__(self, out, **options) -> None:
        self.writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self.writer.writerow([cell_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **options) -> SafeWriter:
    return SafeWriter(out, **options)
