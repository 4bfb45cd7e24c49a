"""JupyterLab set up for the course: ``python -m course_utils.lab`` (``make lab``).

Students get nbgrader's student parts only (Validate, the assignment list), a Validate that runs
in quick mode, and release notebooks that open unmodified; ``--instructor`` keeps nbgrader whole.
"""
