"""Process exit codes shared by every headerlens command (sysexits.h where one fits)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_INPUT = 2  # bad input or usage (argparse uses 2 as well)
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in headerlens
