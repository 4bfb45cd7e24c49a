"""The course's benchmarks: ``course bench`` runs them, ``benchmarks/results/`` keeps the figures.

Each module measures one claim of the course (see ``suite.BENCHMARKS``) and returns
``harness.Figure`` objects; ``runner`` times them, prints a table and writes JSON; ``report``
turns the results files into the README's "How fast is it" section.
"""
