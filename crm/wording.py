"""Texts stored in Chinese, shown in the reader's language.

Some texts are written once and kept (a timeline row, the reasons of a grade). Each was made
from a Chinese catalogue message (its "shape") with values; a stored text that matches a shape
is rendered again through the catalogue with the values it carried.
"""

import re
from functools import cache

from django.utils.translation import gettext as _

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def pattern_of(message: str) -> re.Pattern:
    parts = PLACEHOLDER.split(message)  # text, name, text, name, ..., text
    regex = "".join(
        f"(?P<{part}>.*?)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$", re.S)


def in_language(text: str, shapes: list[str], labels: frozenset[str] = frozenset()) -> str:
    """A text stored in Chinese, from one of `shapes` (catalogue messages), in the active
    language with the values it carried; `labels` name values that are catalogue labels
    themselves. A text of no known shape is returned as stored."""
    for message in shapes:
        found = pattern_of(message).match(text)
        if found:
            values = {k: _(v) if k in labels else v for k, v in found.groupdict().items()}
            return _(message) % values if values else _(message)
    return text
