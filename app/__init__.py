"""AfterDesk (售后台): the after-sales desk of a small shop."""

__version__ = "0.1.0"  # keep equal to pyproject.toml's [project] version
