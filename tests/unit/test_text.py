"""Unit tests of course_utils.text: source order, damaged files, the stand-in banner, offline."""

from __future__ import annotations

import subprocess
import urllib.request

import pytest

from course_utils import text as text_mod
from course_utils.datasets import DataError

FAKE_BIBLE = "Gen1:1 In the beginning God created the heaven and the earth.\n" * 80_000


def _no_network(*args, **kwargs):
    raise AssertionError("a test tried to download")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setenv("COURSE_DATA_ROOT", str(tmp_path / "root"))
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)


def _fake_bible(monkeypatch, stdout=FAKE_BIBLE, returncode=0):
    monkeypatch.setattr(text_mod.shutil, "which", lambda name: "/usr/bin/bible")
    done = subprocess.CompletedProcess(["bible"], returncode, stdout=stdout, stderr="")
    monkeypatch.setattr(text_mod.subprocess, "run", lambda *a, **k: done)


def _no_bible(monkeypatch):
    monkeypatch.setattr(text_mod.shutil, "which", lambda name: None)


def _put_shakespeare(folder, n_chars=text_mod.SHAKESPEARE_CHARS):
    path = folder / text_mod.SHAKESPEARE_FILE
    path.parent.mkdir(parents=True)
    path.write_text("a" * n_chars, encoding="utf-8")
    return path


def test_shakespeare_on_disk_comes_first(monkeypatch, tmp_path):
    _fake_bible(monkeypatch)
    _put_shakespeare(tmp_path / "root")
    corpus = text_mod.load_text_corpus(download=False)
    assert corpus.name == "Tiny Shakespeare" and corpus.source.real
    assert len(corpus) == text_mod.SHAKESPEARE_CHARS


def test_staged_directory_is_used(monkeypatch, tmp_path):
    _no_bible(monkeypatch)
    _put_shakespeare(tmp_path / "staged")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "staged"))
    corpus = text_mod.load_text_corpus(download=False)
    assert corpus.source.kind == "staged"


def test_damaged_shakespeare_raises_with_path(monkeypatch, tmp_path):
    _fake_bible(monkeypatch)
    path = _put_shakespeare(tmp_path / "root", n_chars=1000)
    with pytest.raises(DataError, match="delete it") as err:
        text_mod.load_text_corpus(download=False)
    assert str(path) in str(err.value)


def test_offline_skips_download_and_uses_bible(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    _fake_bible(monkeypatch)
    corpus = text_mod.load_text_corpus()
    assert corpus.name == "King James Bible" and corpus.source.real
    assert "Gen1:1" not in corpus.text, "verse references must be stripped"
    assert "King James Bible" in capsys.readouterr().out


def test_failed_download_falls_back(monkeypatch):
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)

    def refuse(*a, **k):
        raise OSError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    _fake_bible(monkeypatch)
    assert text_mod.load_text_corpus().name == "King James Bible"


def test_short_bible_output_is_damaged(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    _fake_bible(monkeypatch, stdout="Gen1:1 short\n")
    with pytest.raises(DataError, match="reinstall"):
        text_mod.load_text_corpus()


def test_standin_has_banner_and_is_not_real(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    _no_bible(monkeypatch)
    corpus = text_mod.load_text_corpus()
    assert corpus.name == "stand-in" and not corpus.source.real
    assert "SYNTHETIC STAND-IN" in capsys.readouterr().out
    assert corpus.text == text_mod.standin_text(), "the stand-in must be deterministic"


def test_restricted_sources_that_find_nothing_raise(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    _no_bible(monkeypatch)
    with pytest.raises(DataError, match="bible-kjv"):
        text_mod.load_text_corpus(sources=("bible",))
