"""``course grade`` and ``course feedback``: sandboxed, tamper-aware, parallel autograding.

One processing step per module: :mod:`.sandbox` (limits and the bubblewrap kernel command),
:mod:`.repair` (the grading notebook: test cells from the source, answers from the submission),
:mod:`.tamper` (same-kernel tampering checks), :mod:`.scoring` (nbgrader's rule per test cell),
:mod:`.executor` (one submission, in a grader worker process), :mod:`.batch` (finding
submissions, grading them in parallel), :mod:`.gradebook` (nbgrader's Gradebook), :mod:`.report`
(the per-student table) and :mod:`.feedback` (HTML for students, without hidden tests).
Nothing here has import-time side effects.
"""
