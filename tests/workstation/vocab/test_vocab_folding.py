"""normalise(), clean_text() and 繁简 conversion: examples plus hypothesis properties."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workstation.paths import resources_dir
from workstation.vocab import clean_text, normalise, to_simplified, to_traditional
from workstation.vocab.folding import ZERO_WIDTH_CHARS, _fold_by_definition

VOCAB_DIR = resources_dir() / "vocab"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("\u3000\t\r\n\u200b\ufeff", ""),
        ("电话", "电话"),
        ("電話", "电话"),
        ("１２３８９", "12389"),
        (" 來 信 ", "来信"),
        ("E-Mail", "e-mail"),
        ("ｅ－ｍａｉｌ", "e-mail"),
        ("ＡＢＣ公司", "abc公司"),
        ("XX区公安分局", "xx区公安分局"),
        ("（2023）京0105刑初１２３号", "(2023)京0105刑初123号"),
        ("张三，男；住址：北京！", "张三,男;住址:北京!"),
        ("第一行\r\n第二行\n\n第三行", "第一行第二行第三行"),
        ("人民\u00a0法院", "人民法院"),
        ("人民\u2003法院", "人民法院"),
        ("人民\u200d法院", "人民法院"),
        ("臺灣省高等法院", "台湾省高等法院"),
        ("檢察院對於該案不予立案", "检察院对于该案不予立案"),
        ("①号", "1号"),
        ("㈱公司", "(株)公司"),
        ("Ⅻ", "xii"),
        ("…", "..."),
        ("café", "café"),
        ("cafe\u0301", "café"),
        ("ÄÖÜ", "ÄÖÜ"),  # only ASCII is lower-cased
        ("A\u0308", "Ä"),  # canonically equivalent to Ä, so folds like it
        ("A \u0308", "Ä"),
        ("W\u030a", "\u1e98"),  # lower-cased w + ring above composes to ẘ
        ("\u1100 \u1161", "가"),
        ("ΣΑΣ", "ΣΑΣ"),
        ("报告😀", "报告😀"),
        ("𠀀", "𠀀"),
    ],
)
def test_normalise_examples(text: str | None, expected: str) -> None:
    assert normalise(text) == expected


def test_normalise_keeps_chinese_punctuation_that_nfkc_keeps() -> None:
    # 、。“” are not compatibility characters: NFKC, and therefore normalise, leave them.
    assert normalise("甲、乙。“丙”") == "甲、乙。“丙”"


def test_normalise_folds_astral_compatibility_characters() -> None:
    # Mathematical bold capitals (U+1D400…) and a CJK compatibility supplement ideograph.
    assert normalise("\U0001d400\U0001d401C") == "abc"
    assert normalise("\U0002f800") == unicodedata.normalize("NFKC", "\U0002f800")


INTERESTING = (
    "電話來信檢察院鎮乾於後髮發幹著"  # traditional (some with simplified look-alikes)
    "电话来信，：；（）！？、。“”"  # simplified and Chinese punctuation
    "ＡＢＣａｂｃ１２３－＿＠"  # full width
    " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"
    + "".join(sorted(ZERO_WIDTH_CHARS))
    + "AZaz09_-.éÉ\u0301\u0308\u030a\u0307WwİıΣς"  # Latin/Greek case and combining marks
    "\u1100\u1161\u11a8가"  # Hangul jamo that compose once the space between them goes
    "¨´¸㈱①Ⅻﬁ…"  # compatibility characters with spaces or several characters in their NFKC
    "😀\U0002f800\U0001d400𠀀"  # astral
)
texts = st.text(alphabet=st.one_of(st.sampled_from(INTERESTING), st.characters()), max_size=40)


@settings(max_examples=400, deadline=None)
@given(texts)
@example("A \u0308")
@example("W\u030a")
@example("\u1100 \u1161")
@example("e\u200b\u0301")
@example("İ")
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=400, deadline=None)
@given(texts)
def test_normalise_output_has_no_whitespace_or_invisibles(text: str) -> None:
    folded = normalise(text)
    assert not any(char.isspace() for char in folded)
    assert not ZERO_WIDTH_CHARS.intersection(folded)
    assert not any("A" <= char <= "Z" for char in folded)
    assert unicodedata.is_normalized("NFKC", folded)


@settings(max_examples=400, deadline=None)
@given(texts)
@example("W\u030a，")
@example("W\u030a")
@example("Ａ\u0308")
def test_fast_path_agrees_with_definition(text: str) -> None:
    # normalise() takes shortcuts for speed; _fold_by_definition is NFKC → strip → 繁简 → lower.
    assert normalise(text) == _fold_by_definition(text)


@settings(max_examples=200, deadline=None)
@given(texts, texts)
@example("A", "\u0308")
@example("\u1100", "\u1161")
def test_normalise_ignores_whitespace_placement(left: str, right: str) -> None:
    assert normalise(left + " \u3000\n" + right) == normalise(left + right)


@given(st.text(alphabet=st.sampled_from("电话来信检察院公安局镇街网络举报上级交办"), max_size=20))
def test_traditional_spelling_folds_to_the_same_string(text: str) -> None:
    assert normalise(to_traditional(text)) == normalise(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("臺灣檢察院", "台湾检察院"),
        ("电话", "电话"),
        ("乾隆", "干隆"),  # character level, no phrase table: a known limitation
        ("ＡＢＣ", "ＡＢＣ"),  # no NFKC, no case folding
        ("", ""),
    ],
)
def test_to_simplified(text: str, expected: str) -> None:
    assert to_simplified(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("检察院", "檢察院"),
        ("来信 电话", "來信 電話"),
        ("网络举报", "網絡舉報"),
        ("ABC", "ABC"),
        ("", ""),
    ],
)
def test_to_traditional(text: str, expected: str) -> None:
    assert to_traditional(text) == expected


@given(st.text())
def test_to_simplified_is_idempotent(text: str) -> None:
    once = to_simplified(text)
    assert to_simplified(once) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("\u3000\u200b\n", None),
        ("  张三  ", "张三"),
        ("\u3000\u3000某区法院", "某区法院"),
        ("某区\u3000\u3000法院", "某区 法院"),
        ("第一行\r\n第二行", "第一行 第二行"),
        ("张\u200b三", "张三"),
        ("\ufeff北京市", "北京市"),
        ("（全角括号），保留！", "（全角括号），保留！"),
        ("臺灣 ABC", "臺灣 ABC"),
        ("a\t\tb", "a b"),
    ],
)
def test_clean_text_examples(text: str | None, expected: str | None) -> None:
    assert clean_text(text) == expected


@given(st.text(alphabet=st.one_of(st.sampled_from(INTERESTING), st.characters())))
def test_clean_text_properties(text: str) -> None:
    cleaned = clean_text(text)
    if cleaned is None:
        assert all(char.isspace() or char in ZERO_WIDTH_CHARS for char in text)
        return
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not any(char.isspace() and char != " " for char in cleaned)
    assert not ZERO_WIDTH_CHARS.intersection(cleaned)
    assert clean_text(cleaned) == cleaned
    # Tidying never changes what the text matches.
    assert normalise(cleaned) == normalise(text)


def _char_map(file_name: str) -> dict[str, str]:
    mapping: dict[str, str] = json.loads((VOCAB_DIR / file_name).read_text("utf-8"))["map"]
    return mapping


@pytest.mark.parametrize("file_name", ["t2s.json", "s2t.json"])
def test_character_tables_are_single_characters(file_name: str) -> None:
    mapping = _char_map(file_name)
    assert len(mapping) > 3000
    assert all(len(key) == 1 and len(value) == 1 for key, value in mapping.items())
    assert all(key != value for key, value in mapping.items())


def test_t2s_table_is_closed_and_known_entries() -> None:
    mapping = _char_map("t2s.json")
    assert all(value not in mapping for value in mapping.values())
    assert mapping["臺"] == "台"
    assert mapping["檢"] == "检"
    assert mapping["鎮"] == "镇"


def test_opencc_licence_notice_present() -> None:
    notice = (VOCAB_DIR / "OPENCC-LICENSE.txt").read_text("utf-8")
    assert "Apache License" in notice
    assert "https://github.com/BYVoid/OpenCC" in notice
