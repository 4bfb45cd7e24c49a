"""One sandboxed kernel session for one submission (the kernel side of :mod:`.executor`).

:class:`KernelSession` starts the kernel through :func:`.sandbox.kernel_command`, talks to it
outside the notebook's cells (the grader's side channel: the preamble of :mod:`.tamper`, the
integrity checks, freeing memory after a memory error) and runs test cells with the integrity
check as a user expression of the same execute request. The notebook client it uses stops
storing stream and display output past a budget, so a student's print loop cannot exhaust the
grader's memory.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from ..notebook import assigned_names
from . import sandbox
from .tamper import Tamper

_OUTPUT_BUDGET = 20_000_000  # characters of output kept per submission (a print loop is cheap)


def _client_class() -> type:
    """NotebookClient that stops storing stream and display output past a budget.

    Errors are always kept and streams keep their name (with a short excerpt) so the score is
    unchanged: the budget only protects the grader's memory from a student's print loop.
    """
    from nbclient import NotebookClient

    class BoundedClient(NotebookClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.used = 0
            self.truncated: set[tuple[int, str]] = set()
            self.replies: dict[int, dict] = {}
            self.on_cell_executed = self._record_reply

        def _record_reply(self, cell: Any, cell_index: int, execute_reply: dict) -> None:
            self.replies[cell_index] = execute_reply

        def execute_test_cell(self, cell: Any, index: int, expression: str) -> dict:
            """Run a test cell with ``expression`` as a user expression of the same request
            (and outside IPython's history); return the kernel's execute reply content."""
            kc = self.kc
            if kc is None:
                raise RuntimeError("execute_test_cell needs a started kernel")
            plain = kc.execute

            def execute(code: str, **kwargs: Any) -> str:
                return plain(code, **{**kwargs, "user_expressions": {"check": expression}})

            kc.execute = execute  # type: ignore[method-assign,assignment]  # undone below
            self.replies.pop(index, None)
            try:
                self.execute_cell(cell, index, store_history=False)
            finally:
                del kc.execute
            return self.replies.get(index, {}).get("content", {})

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            self.used += len(str(content.get("text", ""))) + len(str(content.get("data", "")))
            if self.used > _OUTPUT_BUDGET and msg.get("msg_type") in ("stream", "display_data"):
                if msg["msg_type"] == "display_data":
                    return None
                name = content.get("name", "stdout")
                if (cell_index, name) in self.truncated:
                    return None
                self.truncated.add((cell_index, name))
                text = str(content.get("text", ""))[:1000] + "\n[output truncated by the grader]\n"
                out = nbformat.v4.new_output("stream", name=name, text=text)
                outs.append(out)
                return out
            return super().output(outs, msg, display_id, cell_index)

    return BoundedClient


def _signal_name(code: int | None) -> str:
    if code is None:
        return "unknown exit"
    number = -code if code < 0 else code - 128 if code > 128 else 0
    if number:
        try:
            return f"signal {signal.Signals(number).name}"
        except ValueError:
            return f"signal {number}"
    return f"exit code {code}"


class KernelSession:
    """One kernel session for one submission."""

    def __init__(self, job: dict[str, Any]) -> None:
        self.job = job
        self.limits = sandbox.Limits(**job["limits"])
        self.tamper = Tamper()
        self.problems: list[str] = []
        self.deadline = time.monotonic() + self.limits.wall_seconds
        self.log = sys.stderr  # where the kernel's own stdout/stderr go (the job's log file)

    def kernel_manager(self, scratch: Path) -> Any:
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        caps = sandbox.Capabilities(**self.job["caps"])
        uid = self.job.get("uid")
        data = [Path(p) for p in self.job.get("data", [])]
        argv = sandbox.kernel_command(caps, self.limits, scratch, self.job["env"], uid, data=data)
        specs = Path(self.job["workdir"]) / "kernels"
        spec_dir = specs / "course-grader"
        spec_dir.mkdir(parents=True, exist_ok=True)
        spec = {"argv": argv, "display_name": "course grader", "language": "python"}
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        km = AsyncKernelManager(
            kernel_name="course-grader",
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(specs)]),
            transport="ipc",
            ip=str(scratch / "k"),
            connection_file=str(scratch / "connection.json"),
        )
        km.write_connection_file()
        if uid is not None:
            os.chown(km.connection_file, uid, uid)
        return km

    def client(self, nb: NotebookNode, km: Any, scratch: Path) -> Any:
        """The notebook client that runs ``nb`` in the kernel of ``km`` (errors allowed)."""
        return _client_class()(
            nb,
            km=km,
            timeout=self.limits.cell_timeout,
            allow_errors=True,
            interrupt_on_timeout=False,
            startup_timeout=180,
            resources={"metadata": {"path": str(scratch)}},
        )

    def side(self, client: Any, code: str, expression: str | None) -> dict[str, Any]:
        """Execute grader code outside the notebook's cells; return the user-expression reply."""
        from jupyter_core.utils import run_sync
        from nbclient.exceptions import DeadKernelError

        async def go() -> dict[str, Any]:
            expressions = {"check": expression} if expression else {}
            msg_id = client.kc.execute(
                code, silent=True, store_history=False, user_expressions=expressions
            )
            while True:
                if self.deadline - time.monotonic() <= 0:
                    raise TimeoutError("grader side channel")
                try:
                    reply = await client.kc.get_shell_msg(timeout=2)
                except queue.Empty:
                    if not await client.km.is_alive():
                        raise DeadKernelError("Kernel died") from None
                    continue
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    return reply["content"]

        return run_sync(go)()

    def install(self, client: Any) -> None:
        """Run the preamble, hand it its key (a user expression), then remove its factory."""
        reply = self.side(client, self.tamper.preamble(), self.tamper.install_expression())
        answer = reply.get("user_expressions", {}).get("check", {})
        if answer.get("data", {}).get("text/plain") != repr(self.tamper.nonce):
            raise RuntimeError(f"the grader's preamble did not install: {reply}")
        self.side(client, self.tamper.cleanup, None)

    def record(self, answer: dict, token: str) -> bool:
        """Add the problems of one integrity-check answer; whether it was a clean answer."""
        found = self.tamper.parse(answer, token)
        self.problems.extend(p for p in found if p not in self.problems)
        return not found

    def check(self, client: Any, skip: set[str]) -> None:
        expression, token = self.tamper.check_expression(skip)
        content = self.side(client, "", expression)
        self.record(content.get("user_expressions", {}).get("check", {}), token)

    def run_test_cell(self, client: Any, cell: Any, index: int) -> tuple[dict, bool]:
        """Run a test cell with the integrity check as its user expression: (the execute reply,
        whether the cell ran to its end and the check answered clean)."""
        own = assigned_names(cell.source)
        expression, token = self.tamper.check_expression(own)
        reply = client.execute_test_cell(cell, index, expression)
        answer = reply.get("user_expressions", {}).get("check")
        clean = reply.get("status") == "ok" and self.record(answer or {}, token)
        return reply, clean

    def free(self, client: Any, names: set[str]) -> None:
        """After a memory error: drop what the failing cell bound and the last traceback (its
        frames hold the memory), then collect, so later cells get their own budget."""
        code = (
            "import gc as __course_grader_gc, sys as __course_grader_sys\n"
            f"for __course_grader_n in {sorted(names)!r}:\n"
            "    globals().pop(__course_grader_n, None)\n"
            "for __course_grader_n in ('last_type', 'last_value', 'last_traceback', 'last_exc'):\n"
            "    setattr(__course_grader_sys, __course_grader_n, None)\n"
            "get_ipython().InteractiveTB.tb = None\n"
            "__course_grader_gc.collect()\n"
            "del __course_grader_gc, __course_grader_sys, __course_grader_n\n"
        )
        self.side(client, code, None)

    def how_it_ended(self, km: Any) -> str:
        """How the kernel process of ``km`` ended (``signal SIGKILL``, ``exit code 1``)."""
        process = getattr(getattr(km, "provisioner", None), "process", None)
        return _signal_name(process.poll() if process is not None else None)

    def stop(self, km: Any) -> None:
        """Shut the kernel down (it may already be gone) and kill what its sandbox uid left."""
        from jupyter_core.utils import run_sync

        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - the kernel may already be gone
            pass
        sandbox.reap(self.job.get("uid"))
