"""The ``course`` command for authors and instructors: build, check, mutants, doctor, authoring."""
