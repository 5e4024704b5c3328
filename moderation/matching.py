"""Keyword matching for Chinese text.

Both the text and each word are normalised the same way: Unicode NFKC (full-width letters,
digits and punctuation become half-width), lower case, traditional characters to simplified
(zhconv), and everything that is not a letter, digit or CJK character dropped, so separators
put between characters ("法.轮", "f u c k", "法*轮*功") do not hide a word. Then:

- `anywhere` words match as a substring of the compact text;
- `whole_word` words must cover whole words of the text as jieba segments it (so a word
  like 操 does not hit 操作);
- `variants` words also match on pinyin (pypinyin, no tones), which catches homophones
  (发轮功) and pinyin spellings (falungong, 法lun功). Only `anywhere` words of two
  syllables or more take part, to keep false alarms down.
"""

import unicodedata
from functools import lru_cache

import jieba
import zhconv
from pypinyin import lazy_pinyin

jieba.setLogLevel(60)  # no "Building prefix dict" chatter in the logs


def normalise(text: str) -> str:
    return zhconv.convert(unicodedata.normalize("NFKC", text).lower(), "zh-hans")


def compact(text: str) -> str:
    return "".join(ch for ch in normalise(text) if ch.isalnum())


@lru_cache(maxsize=4096)  # pure function of the word: caching is not shared state
def pinyin_of(text: str) -> str:
    return "".join(lazy_pinyin(text))


def word_bounds(text: str) -> set[int]:
    bounds, position = {0}, 0
    for token in jieba.cut(text):
        position += len(token)
        bounds.add(position)
    return bounds


def occurrences(text: str, word: str):
    start = text.find(word)
    while start != -1:
        yield start, start + len(word)
        start = text.find(word, start + 1)


def hits_in(text: str, words) -> list[str]:
    """The words (objects with .word, .normalised, .mode, .variants) that `text` contains."""
    flat = compact(text)
    if not flat:
        return []
    found = []
    bounds = None
    flat_pinyin = None
    for entry in words:
        target = entry.normalised
        if entry.mode == "whole_word":
            bounds = bounds if bounds is not None else word_bounds(flat)
            if any(s in bounds and e in bounds for s, e in occurrences(flat, target)):
                found.append(entry.word)
                continue
        elif target in flat:
            found.append(entry.word)
            continue
        if entry.variants and entry.mode != "whole_word" and len(lazy_pinyin(target)) >= 2:
            flat_pinyin = flat_pinyin if flat_pinyin is not None else pinyin_of(flat)
            if pinyin_of(target) in flat_pinyin:
                found.append(entry.word)
    return found
