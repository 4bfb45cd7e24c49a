"""Helpers for the PyTorch course notebooks.

Import the module you need (``from course_utils.env import get_device``); importing the package
does nothing else: no seeding, no device choice, no global settings.
"""

__version__ = "0.1.0"
