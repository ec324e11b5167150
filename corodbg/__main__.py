"""``python -m corodbg``: the same entry point as the ``corodbg`` command."""

from corodbg.cli import main

raise SystemExit(main())
