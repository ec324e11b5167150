"""UI tests render the same on every supported Python.

The seed's chain.py calls ``asyncio.get_event_loop()``, which 3.12+ warn about
on stderr (as plain python does); the Output pane would show it on some
versions only. The programs' children inherit this environment.
"""

import os

os.environ["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
