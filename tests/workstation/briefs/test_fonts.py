"""Choosing the PDF's Chinese fonts: a system font when one is installed, else the bundled one."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.briefs import fonts
from workstation.paths import resources_dir

BUNDLED = resources_dir() / "fonts" / "wqy-microhei-gbk.ttf"


def test_the_bundled_font_is_used_when_no_system_font_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "_cache", {})
    monkeypatch.setattr(fonts, "font_dirs", lambda: [tmp_path])
    chosen = fonts.register_fonts()
    assert chosen.body == chosen.heading == chosen.title
    assert set(chosen.files) == {str(BUNDLED)}


def test_a_system_font_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Microsoft").mkdir()
    (tmp_path / "Microsoft" / "MSYH.TTC").symlink_to(BUNDLED)  # stands in for Microsoft YaHei
    (tmp_path / "NotoSansCJK-Regular.ttc").write_bytes(b"not a font")  # unusable: skipped
    monkeypatch.setattr(fonts, "_cache", {})
    monkeypatch.setattr(fonts, "font_dirs", lambda: [tmp_path])
    chosen = fonts.register_fonts()
    assert set(chosen.files) == {str(tmp_path / "Microsoft" / "MSYH.TTC")}
    assert chosen.body == chosen.heading == chosen.title  # one file, registered once
    assert fonts.register_fonts() is chosen


def test_an_unusable_file_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "simsun.ttc"
    broken.write_bytes(b"\x00\x01\x00\x00" + b"\x00" * 64)
    assert fonts._register(broken, 0) is None
