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
from .grade import commands


def _add_doctor(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "doctor", help="versions, device, data sources found, and how to fix what is missing"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a problem is found (default: report only)",
    )
    parser.set_defaults(func=_cmd_doctor)


def _cmd_doctor(args: argparse.Namespace) -> int:
    from . import doctor

    report = doctor.diagnose()
    print(doctor.format_report(report))
    return 1 if args.strict and report.problems else 0


def _add_build(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "build", help="stamp badges/install cells and regenerate notebooks/ from solutions/"
    )
    parser.add_argument("chapters", nargs="*", help="chapters to build (default: all)")
    parser.set_defaults(func=_cmd_build)


def _cmd_build(args: argparse.Namespace) -> int:
    from . import build

    config = course_config.load()
    built = build.build(config, args.chapters or None)
    print(
        f"built {len(built)} chapter(s) into "
        f"{config.notebooks.relative_to(config.root)}/: {', '.join(built)}"
    )
    return 0


def _add_check(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("check", help="structure lint of the source notebooks")
    parser.add_argument("chapters", nargs="*", help="chapters to check (default: all)")
    parser.set_defaults(func=_cmd_check)


def _cmd_check(args: argparse.Namespace) -> int:
    from . import lint

    config = course_config.load()
    problems = lint.check_course(config, args.chapters or None)
    for problem in problems:
        print(problem)
    chapters = args.chapters or config.chapters()
    print(f"checked {len(chapters)} chapter(s): {len(problems)} problem(s)")
    return 1 if problems else 0


def _add_mutants(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "mutants", help="run each chapter's known-wrong answers against its tests"
    )
    parser.add_argument("chapters", nargs="*", help="chapters (default: all)")
    parser.set_defaults(func=_cmd_mutants)


def _cmd_mutants(args: argparse.Namespace) -> int:
    from . import mutants

    config = course_config.load()
    failed = 0
    for chapter in args.chapters or config.chapters():
        mutant_file = config.mutant_file(chapter)
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


def _add_nb(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "nb", help="convert between a source notebook and the percent authoring format"
    )
    parser.add_argument(
        "action",
        choices=["import", "export"],
        help="import FILE.py TARGET.ipynb | export CHAPTER [FILE.py]",
    )
    parser.add_argument("source")
    parser.add_argument("target", nargs="?")
    parser.set_defaults(func=_cmd_nb)


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


def _add_bench(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "bench",
        add_help=False,
        help="run the benchmark suite (course bench --help for its options)",
    )
    parser.set_defaults(func=_cmd_bench)


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


def _add_publish(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "publish",
        help="write the student repository (release, course_utils, README; no answers) to DEST",
    )
    parser.add_argument(
        "dest", help="a new or empty folder, or a student repository published before"
    )
    parser.add_argument("--ref", default="HEAD", help="the commit to publish (HEAD)")
    parser.set_defaults(func=_cmd_publish)


def _cmd_publish(args: argparse.Namespace) -> int:
    from . import publish

    config = course_config.load()
    print(publish.publish(config, Path(args.dest), args.ref))
    return 0


INSTRUCTOR_EXTRA = "pip install 'course-utils[instructor]'"


_COMMANDS = (
    _add_doctor,
    _add_build,
    _add_check,
    _add_mutants,
    _add_nb,
    commands.add_grade,
    commands.add_feedback,
    _add_bench,
    _add_publish,
)  # in `course --help` order


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``course`` command: each command adds its own sub-parser."""
    parser = argparse.ArgumentParser(prog="course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for add in _COMMANDS:
        add(sub)
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
