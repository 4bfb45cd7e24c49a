"""A contents manager under which release notebooks open unmodified in JupyterLab.

When a kernel connects, JupyterLab writes the kernel's full ``language_info`` and the
kernelspec's display name into the notebook's metadata and marks it modified whenever they
differ from the file. The course's notebooks carry only ``{"name": "python"}`` (they are built on
one machine and opened on many), so this manager fills in, when a notebook is loaded (never on
disk), what this server's Python kernel will report.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager


def kernel_metadata() -> dict[str, dict[str, Any]]:
    """The ``kernelspec`` and ``language_info`` JupyterLab writes for this Python's kernel."""
    from ipykernel.ipkernel import IPythonKernel
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    return {
        "kernelspec": {"display_name": spec.display_name, "language": "python", "name": "python3"},
        "language_info": dict(IPythonKernel.language_info),
    }


def align(metadata: dict[str, Any], expected: dict[str, dict[str, Any]]) -> bool:
    """Fill a Python notebook's kernel metadata in ``metadata`` in place; True if it changed."""
    kernelspec = metadata.get("kernelspec") or {}
    language = metadata.get("language_info") or {}
    if kernelspec.get("name", "python3") != "python3" or language.get("name", "python") != "python":
        return False  # another kernel: JupyterLab will ask for it, leave it alone
    changed = False
    for key, value in expected.items():
        if metadata.get(key) != value:
            metadata[key] = value
            changed = True
    return changed


class StudentContentsManager(AsyncLargeFileManager):
    """The default contents manager, with kernel metadata filled in for notebooks it loads."""

    _expected: dict[str, dict[str, Any]] | None = None

    # **kwargs forwards format/require_hash, which not every supported jupyter_server takes
    async def get(  # type: ignore[override]
        self, path: str, content: bool = True, type: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        model = await super().get(path, content=content, type=type, **kwargs)
        if content and model.get("type") == "notebook" and model.get("content") is not None:
            if StudentContentsManager._expected is None:
                StudentContentsManager._expected = kernel_metadata()
            align(model["content"]["metadata"], StudentContentsManager._expected)
        return model
