"""AfterDesk entry point: parses the command line; no window code, no queries."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
