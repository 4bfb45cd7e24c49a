"""The ``course`` command: doctor, build, check, mutants, grade, feedback, bench, publish,
authoring."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from . import config as course_config


def _cmd_doctor(args: argparse.Namespace) -> int:
    from . import doctor

    report = doctor.diagnose()
    print(doctor.format_report(report))
    return 1 if args.strict and report.problems else 0


def _cmd_build(args: argparse.Namespace) -> int:
    from . import build

    config = course_config.load()
    built = build.build(config, args.chapters or None)
    print(
        f"built {len(built)} chapter(s) into "
        f"{config.notebooks.relative_to(config.root)}/: {', '.join(built)}"
    )
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from . import lint

    config = course_config.load()
    problems = lint.check_course(config, args.chapters or None)
    for problem in problems:
        print(problem)
    chapters = args.chapters or config.chapters()
    print(f"checked {len(chapters)} chapter(s): {len(problems)} problem(s)")
    return 1 if problems else 0


def _cmd_mutants(args: argparse.Namespace) -> int:
    from . import mutants

    config = course_config.load()
    failed = 0
    for chapter in args.chapters or config.chapters():
        mutant_file = config.root / "tests" / "mutants" / f"{chapter}.py"
        if not mutant_file.exists():
            print(f"{chapter}: no mutant file {mutant_file.relative_to(config.root)}")
            failed += 1
            continue
        results = mutants.run_mutants(
            config.source_notebook(chapter), mutants.load_mutants(mutant_file)
        )
        for result in results:
            mark = "killed  " if result.killed else "SURVIVED"
            print(f"{chapter} {mark} {result.grade_id}: {result.why} -> {result.detail}")
        failed += sum(not r.killed for r in results)
    return 1 if failed else 0


def _cmd_nb(args: argparse.Namespace) -> int:
    from . import notebook

    if args.action == "import":
        nb = notebook.from_percent(Path(args.source).read_text(encoding="utf-8"))
        changed = notebook.write(nb, Path(args.target))
        print(f"{'wrote' if changed else 'unchanged'} {args.target}")
    else:
        config = course_config.load()
        text = notebook.to_percent(notebook.read(config.source_notebook(args.source)))
        if args.target:
            Path(args.target).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    return 0


def _cmd_grade(args: argparse.Namespace) -> int:
    from . import notebook
    from .grade import batch, gradebook, report, sandbox

    config = course_config.load()
    submissions = batch.find_submissions(
        config, args.assignment, Path(args.source) if args.source else None
    )
    if not submissions:
        print(f"course grade {args.assignment}: no submissions found", file=sys.stderr)
        return 2
    limits = sandbox.Limits(
        cpu_seconds=args.cpu_seconds,
        memory_bytes=int(args.memory_gb * 1024**3),
        processes=args.processes,
        wall_seconds=args.wall_seconds,
        cell_timeout=args.cell_timeout,
    )
    output = Path(args.output) if args.output else config.root / "autograded"
    result = batch.grade_class(
        config,
        args.assignment,
        submissions,
        jobs=args.jobs,
        limits=limits,
        allow_unsandboxed=args.allow_unsandboxed,
        output=output,
        progress=lambda r: print(f"  graded {r.student}: {r.score:g}/{r.max_score:g} {r.status}"),
        reviewed=frozenset(args.reviewed),
    )
    source = notebook.read(config.source_notebook(args.assignment))
    url = args.db or gradebook.default_url(config.root)
    gradebook.record(url, args.assignment, source, list(result.results.values()))
    print(report.table(result))
    failed = [r for r in result.results.values() if r.status == "grader error"]
    return 1 if failed else 0


def _cmd_feedback(args: argparse.Namespace) -> int:
    from .grade import feedback

    config = course_config.load()
    autograded = Path(args.autograded) if args.autograded else config.root / "autograded"
    target = Path(args.output) if args.output else config.root / "feedback"
    written = feedback.write_feedback(
        config.release_notebook(args.assignment), autograded, target, args.assignment
    )
    print(f"wrote feedback for {len(written)} student(s) into {target}")
    return 0 if written else 1


def _cmd_bench(args: argparse.Namespace) -> int:
    config = course_config.load()
    if not (config.root / "benchmarks" / "__main__.py").is_file():
        raise course_config.ConfigError(f"no benchmarks/ folder in the course at {config.root}")
    # benchmarks/ is instructor tooling beside the course, not part of the installed package: it
    # imports course_utils, never the other way round, so it runs as `python -m benchmarks`, found
    # on PYTHONPATH (-P: not a `benchmarks` folder where the command happens to be run, as tests/).
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(config.root), env.get("PYTHONPATH")]))
    command = [sys.executable, "-P", "-m", "benchmarks", *args.bench_args]
    return subprocess.run(command, env=env, check=False).returncode


def _cmd_publish(args: argparse.Namespace) -> int:
    from . import publish

    config = course_config.load()
    print(publish.publish(config, Path(args.dest), args.ref))
    return 0


INSTRUCTOR_EXTRA = "pip install 'course-utils[instructor]'"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``course`` command."""
    parser = argparse.ArgumentParser(prog="course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    doctor = sub.add_parser(
        "doctor", help="versions, device, data sources found, and how to fix what is missing"
    )
    doctor.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a problem is found (default: report only)",
    )
    doctor.set_defaults(func=_cmd_doctor)

    build = sub.add_parser(
        "build", help="stamp badges/install cells and regenerate notebooks/ from solutions/"
    )
    build.add_argument("chapters", nargs="*", help="chapters to build (default: all)")
    build.set_defaults(func=_cmd_build)

    check = sub.add_parser("check", help="structure lint of the source notebooks")
    check.add_argument("chapters", nargs="*", help="chapters to check (default: all)")
    check.set_defaults(func=_cmd_check)

    mutants = sub.add_parser(
        "mutants", help="run each chapter's known-wrong answers against its tests"
    )
    mutants.add_argument("chapters", nargs="*", help="chapters (default: all)")
    mutants.set_defaults(func=_cmd_mutants)

    nb = sub.add_parser(
        "nb", help="convert between a source notebook and the percent authoring format"
    )
    nb.add_argument(
        "action",
        choices=["import", "export"],
        help="import FILE.py TARGET.ipynb | export CHAPTER [FILE.py]",
    )
    nb.add_argument("source")
    nb.add_argument("target", nargs="?")
    nb.set_defaults(func=_cmd_nb)

    grade = sub.add_parser(
        "grade", help="grade every submission of an assignment in sandboxed kernels, in parallel"
    )
    grade.add_argument("assignment", help="the chapter, e.g. 01_tensors")
    grade.add_argument(
        "--from",
        dest="source",
        metavar="DIR",
        help="a folder of STUDENT_ID.ipynb files (e.g. an LMS download) instead of submitted/",
    )
    grade.add_argument("--jobs", "-j", type=int, default=2, help="students graded at once (2)")
    grade.add_argument("--db", help="gradebook URL (default: sqlite:///COURSE/gradebook.db)")
    grade.add_argument("--output", help="folder for graded notebooks (default: autograded/)")
    grade.add_argument("--cpu-seconds", type=int, default=3600, help="CPU time (3600)")
    grade.add_argument(
        "--memory-gb", type=float, default=16.0, help="address space (16; 0 = none, for CUDA)"
    )
    grade.add_argument("--processes", type=int, default=256, help="processes/threads (256)")
    grade.add_argument("--wall-seconds", type=int, default=3600, help="per submission (3600)")
    grade.add_argument("--cell-timeout", type=int, default=900, help="per cell (900)")
    grade.add_argument(
        "--reviewed",
        action="append",
        default=[],
        metavar="STUDENT",
        help="a student whose flagged code you have read and found honest: grade it anyway "
        "(repeatable; the sandbox and the integrity check still apply)",
    )
    grade.add_argument(
        "--allow-unsandboxed",
        action="store_true",
        help="grade with rlimits only when bubblewrap is unavailable (throw-away machines only)",
    )
    grade.set_defaults(func=_cmd_grade)

    feedback = sub.add_parser(
        "feedback", help="HTML feedback per student (scores, messages; no hidden tests)"
    )
    feedback.add_argument("assignment")
    feedback.add_argument("--autograded", help="where `course grade` wrote (autograded/)")
    feedback.add_argument("--output", help="folder for the feedback (default: feedback/)")
    feedback.set_defaults(func=_cmd_feedback)

    bench = sub.add_parser(
        "bench",
        add_help=False,
        help="run the benchmark suite (course bench --help for its options)",
    )
    bench.set_defaults(func=_cmd_bench)

    publish = sub.add_parser(
        "publish",
        help="write the student repository (release, course_utils, README; no answers) to DEST",
    )
    publish.add_argument(
        "dest", help="a new or empty folder, or a student repository published before"
    )
    publish.add_argument("--ref", default="HEAD", help="the commit to publish (HEAD)")
    publish.set_defaults(func=_cmd_publish)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``course`` console script."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "bench":
        args.bench_args = extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return int(args.func(args) or 0)
    except (course_config.ConfigError, ValueError, RuntimeError) as err:
        print(f"course {args.command}: {err}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as err:
        if (err.name or "").split(".")[0] == "course_utils":
            raise  # a broken install of the package itself: the traceback is the useful part
        # A student install has the runtime helpers only; the tools need the instructor extra.
        print(
            f"course {args.command}: needs {err.name}, an instructor tool's dependency: "
            f"{INSTRUCTOR_EXTRA}",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
