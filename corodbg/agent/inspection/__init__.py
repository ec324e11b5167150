"""Inspection: a paused program read into plain data (tasks, frames, values, wake reasons), and evaluation in it.

Not named ``inspect``: the agent runs by file path, so its folder is first on
``sys.path`` while it starts, and a package there named like a standard
module (``inspect``, ``trace``) would shadow it for asyncio itself.
"""
