"""``course grade`` and ``course feedback``: sandboxed, tamper-aware, parallel autograding.

One processing step per module: :mod:`.commands` (the two commands' options),
:mod:`.sandbox` (limits and the bubblewrap kernel command), :mod:`.repair` (the grading
notebook: test cells from the source, answers from the submission), :mod:`.scan` (the static
scan, with the rules of :mod:`.forbidden`), :mod:`.tamper` (same-kernel tampering checks),
:mod:`.scoring` (nbgrader's rule per test cell), :mod:`.executor` (one submission, in a grader
worker process: :mod:`.session` is its kernel, :mod:`.cells` runs the notebook in it),
:mod:`.batch` (finding submissions, grading them in parallel), :mod:`.gradebook` (nbgrader's
Gradebook), :mod:`.report` (the per-student table) and :mod:`.feedback` (HTML for students,
without hidden tests).
Nothing here has import-time side effects.
"""
