"""nbgrader settings of the student JupyterLab (``python -m course_utils.lab``).

Validate runs the whole notebook; in quick mode (``COURSE_QUICK=1`` set in Validate's own kernel
only) it finishes in seconds, while the student's own kernel keeps the mode the server started
in. ``COURSE_VALIDATE_FULL=1`` before starting JupyterLab makes Validate run in full mode.
"""

import os

c = get_config()  # noqa: F821 - injected by traitlets when nbgrader loads this file

if os.environ.get("COURSE_VALIDATE_FULL", "").strip().lower() not in {"1", "true", "yes", "on"}:
    c.Execute.extra_arguments = [
        "--HistoryManager.hist_file=:memory:",  # nbgrader's default for Python kernels
        "--IPKernelApp.exec_lines=import os; os.environ['COURSE_QUICK'] = '1'",
    ]
