"""The loop: the step loop itself, how it becomes asyncio's loop, and how a running step is interrupted."""
