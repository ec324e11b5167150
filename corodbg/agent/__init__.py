"""The debuggee side of corodbg: it runs the user's program on the step loop.

Everything under ``corodbg.agent`` imports the standard library only, so that
it starts fast and never clashes with the program's own dependencies.
"""
