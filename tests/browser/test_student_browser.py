"""A student's first hour, driven in headless Chromium: JupyterLab, a wrong answer, Validate,
a training chapter's progress bar and figure; the instructor's formgrader; a feedback page.

JupyterLab serves a temporary copy of the release (so autosave never touches the repository),
in quick mode, in the student set-up `make lab` starts (`course_utils.lab`: no instructor tools in
the Nbgrader menu, notebooks that open unmodified); the formgrader test starts the instructor
set-up (`make lab-instructor`). Chromium is Debian's (`.ci/run` installs it; Playwright's own
browser download needs the internet), driven by Playwright for Python. Screenshots of every step
are written to ``build/screenshots/`` (named after the step) for a person to look at.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from course_utils.instructor import notebook
from course_utils.instructor.execution import quick_env
from course_utils.instructor.grade.result import Result
from course_utils.instructor.grade.scoring import CellResult
from course_utils.lab.__main__ import lab_env

playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (dev extra)")

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
TOKEN = "course-browser-test"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FIRST = "00_setup"
TRAINING = "06_cnn_mnist"  # trains with a tqdm bar and draws figures, quick enough in quick mode
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="apt-get install chromium (see .ci/run)")

# JavaScript run in the page. `window.jupyterapp` is exposed by --LabApp.expose_app_in_browser.
# Guarded: on a loaded machine the predicates can run before JupyterLab has set window.jupyterapp,
# and a predicate that throws fails wait_for_function at once instead of waiting (seen in CI).
PANEL = "(window.jupyterapp && window.jupyterapp.shell && window.jupyterapp.shell.currentWidget)"
KERNEL_READY = f"() => {{ const p = {PANEL}; return !!(p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel); }}"  # noqa: E501
IDLE = (
    f"() => {{ const p = {PANEL}; const s = p && p.sessionContext && p.sessionContext.session;"
    " const k = s && s.kernel; return !!k && k.status === 'idle' && !p.content.widgets.some("
    "c => c.model.type === 'code' && c.promptNode && c.promptNode.textContent.includes('*')); }"
)
CELLS = (
    f"() => {PANEL}.content.widgets.map(c => {{ const g = c.model.getMetadata('nbgrader') || {{}};"
    " return [c.model.type, g.grade_id || '', !!g.grade]; })"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The student's folder: the setup chapter as released, the training chapter answered."""
    root = tmp_path_factory.mktemp("student")
    shutil.copytree(ROOT / "notebooks" / FIRST, root / FIRST)
    shutil.copytree(ROOT / "notebooks" / TRAINING, root / TRAINING)
    release = nbformat.read(str(ROOT / "notebooks" / TRAINING / f"{TRAINING}.ipynb"), 4)
    source = nbformat.read(str(ROOT / "solutions" / TRAINING / f"{TRAINING}.ipynb"), 4)
    filled = notebook.fill_answers(release, notebook.solution_answers(source))
    nbformat.write(filled, str(root / TRAINING / f"{TRAINING}.ipynb"))
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    return root


@contextlib.contextmanager
def _serve(root: Path, instructor: bool) -> Iterator[str]:
    """JupyterLab on ``root`` in the student set-up of ``make lab``, or the instructor's."""
    port = _free_port()
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
    ]  # fmt: skip
    if os.geteuid() == 0:  # CI containers run as root
        command.append("--allow-root")
    env = quick_env()
    env.pop("MPLBACKEND", None)  # a student's kernel draws inline figures
    server = subprocess.Popen(command, cwd=root, env=lab_env(instructor, env),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=10)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    stderr = server.stderr.read().decode() if server.stderr else ""
                    pytest.fail(f"JupyterLab did not start:\n{stderr[-3000:]}")
                time.sleep(1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def lab(lab_root: Path) -> Iterator[str]:
    with _serve(lab_root, instructor=False) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(300_000)  # a loaded 2-core CI machine is slow, never flaky
    yield page
    page.close()


def _shot(page: object, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def _open(page: object, url: str, chapter: str) -> None:
    # ?reset: a fresh workspace, so no tab restored from an earlier page is the active one
    page.goto(f"{url}/lab/tree/{chapter}/{chapter}.ipynb?reset&token={TOKEN}")
    page.wait_for_function(KERNEL_READY)
    page.wait_for_function(IDLE)


def _run(page: object, command: str, index: int | None = None) -> None:
    select = f"{PANEL}.content.activeCellIndex = {index};" if index is not None else ""
    page.evaluate(
        f"async () => {{ {select} await window.jupyterapp.commands.execute({command!r}); }}"
    )
    time.sleep(1)  # the prompt turns to [*] asynchronously
    page.wait_for_function(IDLE)


def _output(page: object, index: int) -> str:
    return page.evaluate(f"() => {PANEL}.content.widgets[{index}].outputArea.node.innerText")


def test_student_reads_a_short_message_for_a_wrong_answer_and_in_validate(
    lab: str, page: object
) -> None:
    _open(page, lab, FIRST)
    _shot(page, "01_opened_00_setup")
    assert page.evaluate(f"() => {PANEL}.context.model.dirty") is False, "opens modified"
    assert page.locator(".jp-mod-dirty").count() == 0, "a tab shows the modified dot on opening"
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    menu = page.inner_text(".lm-Menu")
    _shot(page, "01b_student_nbgrader_menu")
    page.keyboard.press("Escape")
    assert "Formgrader" not in menu and "create assignment" not in menu.lower(), menu
    cells = page.evaluate(CELLS)
    answer = next(i for i, (_, gid, grade) in enumerate(cells) if gid == "version_at_least")
    test = next(i for i, (_, gid, grade) in enumerate(cells) if grade and i > answer)
    _run(page, "notebook:run-all-cells")  # stops at the first failing test cell, as for students
    wrong = "def version_at_least(version, minimum):\n    return version >= minimum\n"
    page.evaluate(f"() => {PANEL}.content.widgets[{answer}].model.sharedModel.setSource({wrong!r})")
    _run(page, "notebook:run-cell", answer)
    _run(page, "notebook:run-cell", test)
    page.evaluate(f"() => {PANEL}.content.widgets[{test}].node.scrollIntoView()")
    _shot(page, "02_wrong_answer_message")
    message = _output(page, test)
    lines = [line for line in message.splitlines() if line.strip()]
    assert lines[0].startswith("CheckFailed: version_at_least("), message
    assert any(line.startswith("Hint: ") for line in lines), message
    assert len(lines) <= 4, (
        f"a student should see the message and hint, not a traceback:\n{message}"
    )
    assert "checks.py" not in message

    start = time.monotonic()
    page.get_by_text("Validate", exact=True).first.click()
    page.wait_for_selector(".jp-Dialog")
    page.wait_for_function(
        "() => document.querySelector('.jp-Dialog') && "
        "document.querySelector('.jp-Dialog').innerText.includes('Validation Results')"
    )
    seconds = time.monotonic() - start
    _shot(page, "03_validate_dialog")
    dialog = page.inner_text(".jp-Dialog")
    assert "The following cell failed" in dialog, dialog[:2000]
    assert "CheckFailed: version_at_least(" in dialog and "Hint: " in dialog, dialog[:2000]
    assert "checks.py" not in dialog
    # JupyterLab asks on start-up (a toast) unless its announcements plugin is disabled; by now,
    # minutes after the page loaded, the toast would be in the page.
    assert page.get_by_text("official Jupyter news").count() == 0, "the news prompt shows"
    print(f"Validate of the 00_setup release in quick mode: {seconds:.1f} s")


def test_training_chapter_shows_its_progress_bar_and_figures(lab: str, page: object) -> None:
    _open(page, lab, TRAINING)
    _run(page, "notebook:run-all-cells")
    outputs = page.evaluate(
        f"() => {PANEL}.content.widgets.map(c => c.model.type !== 'code' ? [] :"
        " c.model.outputs.toJSON().map(o => [o.output_type, Object.keys(o.data || {}),"
        " (o.ename || '') + ': ' + String(o.evalue || '').slice(0, 200)]))"
    )
    errors = [o[2] for cell in outputs for o in cell if o[0] == "error"]
    assert not errors, errors
    kinds = {"figure": "image/png", "bar": "application/vnd.jupyter.widget-view+json"}
    found = {
        what: next((i for i, cell in enumerate(outputs) if any(mime in o[1] for o in cell)), None)
        for what, mime in kinds.items()
    }
    assert found["bar"] is not None, "no tqdm progress bar (an ipywidgets view) was produced"
    assert found["figure"] is not None, "no matplotlib figure was produced"
    selectors = {
        "figure": "img",
        "bar": ".widget-hprogress .progress-bar, .widget-progress, progress",
    }
    for step, what in (("04_training_figure", "figure"), ("05_training_progress_bar", "bar")):
        node = f"{PANEL}.content.widgets[{found[what]}].node"
        page.evaluate(f"() => {node}.scrollIntoView()")
        try:
            page.wait_for_function(
                f"() => !!{node}.querySelector({selectors[what]!r})", timeout=120_000
            )
        except playwright.Error:
            html = page.evaluate(f"() => {node}.querySelector('.jp-OutputArea').innerHTML")
            pytest.fail(f"the {what} did not render; its output area holds:\n{html[:3000]}")
        _shot(page, step)
    width = page.evaluate(
        f"() => {PANEL}.content.widgets[{found['figure']}].node.querySelector('img').naturalWidth"
    )
    assert width > 100, "the figure rendered as an empty image"


def test_instructor_formgrader_opens(lab_root: Path, page: object) -> None:
    with _serve(lab_root, instructor=True) as url:
        page.goto(f"{url}/lab?reset&token={TOKEN}")
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        menu = page.inner_text(".lm-Menu")
        _shot(page, "06a_instructor_nbgrader_menu")
        assert "Formgrader" in menu and "create assignment" in menu.lower(), menu
        page.goto(f"{url}/formgrader?token={TOKEN}")
        page.wait_for_selector("text=Manage Assignments")
        _shot(page, "06_formgrader")
        assert "Manual Grading" in page.inner_text("body")


def test_feedback_page_renders_with_a_summary_and_no_hidden_test(
    page: object, tmp_path: Path
) -> None:
    from course_utils.instructor.grade import feedback

    release = nbformat.read(str(ROOT / "notebooks" / FIRST / f"{FIRST}.ipynb"), 4)
    source = nbformat.read(str(ROOT / "solutions" / FIRST / f"{FIRST}.ipynb"), 4)
    result = Result("student-a")
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            result.cells[meta["grade_id"]] = CellResult(0.0, float(meta["points"]), "")
    first = next(iter(result.cells))
    result.cells[first].error = "CheckFailed: wrong for '2.15.0'\nHint: compare integers"
    for gid in list(result.cells)[1:]:
        result.cells[gid].score = result.cells[gid].max_score
    path = tmp_path / "feedback.html"
    path.write_text(feedback.render(release, None, result, "00_setup: feedback for student-a"))
    page.goto(path.as_uri())
    _shot(page, "07_feedback_page")
    summary = page.inner_text(".course-summary")
    assert f"Score: {result.score:g} / {result.max_score:g}" in summary
    assert "Hint: compare integers" in summary and first.removesuffix("_test") in summary
    assert page.locator("h1").count() >= 2, "markdown cells must render as HTML headings"
    assert "**Learning objectives.**" not in page.inner_text("body"), "raw markdown shown"
    text = page.inner_text("body")
    visible = {line.strip() for cell in release.cells for line in cell.source.splitlines()}
    hidden = [
        line.strip()
        for cell in source.cells
        if "### BEGIN HIDDEN TESTS" in cell.source
        for line in cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END")[0].splitlines()
        if len(line.strip()) > 25 and line.strip() not in visible
    ]
    assert hidden and not [line for line in hidden if line in text]
