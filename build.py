#!/usr/bin/env python3
"""The one entry point: `python build.py --help`."""
import os
import sys

from generator.cli import main

if __name__ == "__main__":
    status = main()
    # Everything is written, closed and committed by now. What stays in memory (jieba's and
    # pypinyin's dictionaries, the memos) would be freed object by object at exit, which takes
    # longer than a rebuild's render stage; the process ends at once instead.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0 if status is None else status)
