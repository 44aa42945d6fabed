"""``python -m reviewflow``: the same command line as the ``reviewflow`` script."""

import sys

from reviewflow.cli import main

sys.exit(main())
