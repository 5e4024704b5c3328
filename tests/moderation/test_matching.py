"""The word list's matching: whole words and variants of Chinese text."""

from dataclasses import dataclass

import pytest

from moderation.matching import compact, hits_in


@dataclass
class Word:
    word: str
    mode: str = "anywhere"
    variants: bool = True

    @property
    def normalised(self) -> str:
        return compact(self.word)


FALUN = Word("法轮功")


@pytest.mark.parametrize(
    "text",
    [
        "这里有法轮功的东西",
        "法 轮 功",  # spaces between characters
        "法.轮*功",  # separators
        "法輪功",  # traditional characters
        "发轮功",  # a homophone
        "falungong 好",  # pinyin
        "法lun功",  # mixed
        "ＦＡＬＵＮＧＯＮＧ",  # full-width letters
    ],
)
def test_variants_of_a_word_are_caught(text):
    assert hits_in(text, [FALUN]) == ["法轮功"]


def test_innocent_text_passes():
    assert hits_in("火锅很好吃，服务周到", [FALUN, Word("代开发票")]) == []
    assert hits_in("", [FALUN]) == []


def test_whole_word_mode_does_not_hit_inside_another_word():
    word = Word("操", mode="whole_word", variants=False)
    assert hits_in("操作很简单", [word]) == []
    assert hits_in("操你", [word]) == ["操"]
    chicken = Word("鸡", mode="whole_word", variants=False)
    assert hits_in("鸡蛋很好", [chicken]) == []
    assert hits_in("你这个鸡", [chicken]) == ["鸡"]


def test_latin_words_and_full_width_forms():
    spam = Word("vx")
    assert hits_in("加ＶＸ：abc123", [spam]) == ["vx"]
    assert hits_in("加 v.x 领红包", [spam]) == ["vx"]
