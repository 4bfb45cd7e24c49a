"""What Colab lacks: the install cell installs a chapter's extras, `course check` flags the rest."""

from __future__ import annotations

import subprocess

import pytest

from course_utils.instructor import build, colab, lint, notebook

from .conftest import chapter_text

SETUP = "# %% role=setup\n"


def _with_import(module_line: str) -> str:
    return chapter_text().replace(SETUP, SETUP + module_line + "\n", 1)


def _write(course, text: str, chapter: str = "00_tiny") -> None:
    notebook.write(notebook.from_percent(text), course.source_notebook(chapter))
    build.stamp_sources(course, [chapter])


def test_imported_modules_sees_top_level_names_and_skips_magics_and_relative_imports():
    source = "import torch.nn as nn\nfrom torchao.quantization import x\n%time y\nfrom . import z\n"
    assert colab.imported_modules(source) == {"torch", "torchao"}
    assert colab.imported_modules("def broken(:\n") == set()


def test_standard_library_colab_and_course_utils_are_never_missing():
    modules = {"os", "tomllib", "torch", "torchvision", "numpy", "matplotlib", "tqdm", "PIL"}
    assert colab.missing_on_colab("00_tiny", modules | {"course_utils"}) == []
    assert colab.missing_on_colab("00_tiny", {"torchao", "pandas"}) == ["pandas", "torchao"]
    assert colab.missing_on_colab("10_quantization", {"torchao"}) == []


@pytest.mark.parametrize("line", ["import pandas as pd", "from torchao.quantization import q"])
def test_course_check_fails_when_a_chapter_imports_what_colab_lacks(tiny_course, line):
    _write(tiny_course, _with_import(line))
    module = line.split()[1].split(".")[0]
    # The exact list: this problem alone, so another one cannot hide behind it.
    assert lint.check_course(tiny_course, ["00_tiny"]) == [
        f"00_tiny: imports {module!r}, which Colab lacks and the install cell does not install: "
        "add it to CHAPTER_PACKAGES in course_utils/instructor/colab.py "
        "(then `course build 00_tiny`)"
    ]


def test_course_check_accepts_a_module_the_install_cell_installs(tiny_course, monkeypatch):
    monkeypatch.setitem(colab.CHAPTER_PACKAGES, "00_tiny", (("torchao", "torchao>=0.11"),))
    _write(tiny_course, _with_import("from torchao.quantization import q"))
    assert lint.check_course(tiny_course, ["00_tiny"]) == []
    setup = next(
        c for c in notebook.read(tiny_course.source_notebook("00_tiny")).cells
        if notebook.role(c) == "setup"
    ).source  # fmt: skip
    assert '"torchao": "torchao>=0.11",' in setup
    assert '"course_utils": "course-utils @ git+https://github.com/example/tiny-course@trunk"' in (
        setup
    )


def test_install_block_is_a_pure_function_of_config_and_chapter(tiny_course):
    plain = build.install_block(tiny_course, "00_tiny")
    assert plain == build.install_block(tiny_course) == build.install_block(tiny_course, "00_x")
    extra = build.install_block(tiny_course, "10_quantization")
    assert extra == build.install_block(tiny_course, "10_quantization")
    assert "torchao>=0.11" in extra and "torchao" not in plain


def test_install_block_installs_only_the_missing_packages(tiny_course, monkeypatch):
    block = build.install_block(tiny_course, "11_pruning")
    calls = []
    namespace: dict = {}
    monkeypatch.setattr(subprocess, "run", lambda args, check: calls.append(args))
    exec(compile(block, "<install>", "exec"), namespace)
    # course_utils is importable here; whether torchao is depends on the environment
    installed = [p for args in calls for p in args[5:]]
    assert not any(p.startswith("course-utils") for p in installed)
    expected = [] if namespace["importlib"].util.find_spec("torchao") else ["torchao>=0.11"]
    assert installed == expected


def test_every_real_chapter_imports_only_what_colab_has_or_its_install_cell_installs():
    from course_utils.instructor import config

    course = config.load()
    for chapter in course.chapters():
        nb = notebook.read(course.source_notebook(chapter))
        assert lint.check_colab_imports(nb, chapter) == [], chapter
