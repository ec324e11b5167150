"""corodbg: a terminal step-debugger for Python coroutines.

This package's top level must stay free of third-party imports: the debuggee
agent (``corodbg.agent``) imports it, and the agent is standard library only.
"""

__version__ = "0.1.0"
