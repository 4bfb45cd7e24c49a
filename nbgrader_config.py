"""nbgrader configuration for the course (read by `nbgrader`, `course build` and the tests).

solutions/ is the instructor source, notebooks/ the generated student release.
"""

c = get_config()  # noqa: F821 - injected by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "pytorch-course"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# Chapter folders may hold small helper files (figures, data stubs); release them too, never caches.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# Solution stubs: the only error a released notebook may raise when executed.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Training cells need more than nbgrader's default 30 s; a whole chapter stays far below this.
c.Execute.timeout = 900
c.Execute.interrupt_on_timeout = True

# nbgrader scores a test cell 0 if anything reaches stderr. Harmless noise (warnings, tqdm bars,
# logging warnings, whitespace-only chunks) must not cost a correct answer its points; real errors
# are error outputs, not stderr streams, so they still fail.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(^\s*$|Warning|WARNING:|it/s\]|s/it\])"

# A student who deletes a test cell still gets it back (and graded), not "needs manual grading".
c.OverwriteCells.add_missing_cells = True

# Keep autograded notebooks and feedback readable when a student prints in a loop.
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
