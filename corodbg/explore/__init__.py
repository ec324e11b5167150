"""``corodbg explore``: search the schedules of a program for one that fails, shrink it, save it.

The parts: ``options`` (the command line), ``pool`` (the fork servers),
``search`` (the runs, in order), ``shrink`` (delta debugging), ``report``
(what the user reads). The runs themselves happen in ``corodbg.agent.explore``.
docs/explore.md says what it finds and what it cannot.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Dict, Optional, Sequence

from corodbg.explore.options import ExploreOptions, UsageError, parse
from corodbg.explore.pool import ExploreError, start_servers


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        options = parse(sys.argv[2:] if argv is None else argv)
    except UsageError as error:
        sys.stderr.write(f"corodbg explore: {error}\n")
        return 2
    seed = options.seed if options.seed is not None else int.from_bytes(os.urandom(3), "big")
    try:
        servers = start_servers(options.target, options.check, seed % 4294967296, options.jobs)
    except ExploreError as error:
        sys.stderr.write(f"corodbg explore: {error}\n")
        return 2
    try:
        return explore(options, seed, servers)
    except ExploreError as error:
        sys.stderr.write(f"corodbg explore: {error}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("\ncorodbg explore: interrupted\n")
        return 130
    finally:
        for server in servers:
            server.close()


def explore(options: ExploreOptions, seed: int, servers: list) -> int:
    from corodbg.explore import report
    from corodbg.explore.search import request, search
    from corodbg.explore.shrink import deviations, failure_key, guide, reads_at_the_bound, shrink

    found = search(options, seed, servers)
    report.speed(found)
    failing = found.failing
    if failing is None:
        print(report.nothing_found(options, seed, found))
        return 0
    base = request(options, seed, failing["run"], max(1, found.baseline_steps))
    base["schedule"] = True

    def run(given: Dict[str, Any]) -> Dict[str, Any]:
        return servers[0].run({**base, "guide": given})

    family = options.family
    best, tries = failing, 0
    if options.shrink and failing["run"] != 0 and failing.get("schedule"):
        best, tries = shrink(failing, family, run)
        pushed = reads_at_the_bound(best, options.jitter, run)
        if pushed is not None:
            best, tries = pushed, tries + 1
    final: Dict[str, Any] = best
    if best.get("schedule"):
        described = servers[0].run({**base, "guide": guide(family, deviations(best, family)), "describe": True})
        if described.get("failure") is not None and failure_key(described) == failure_key(best):
            final = described
    path = options.save or default_save_name(options, seed)
    saved = save(final, path, options, seed) if final.get("schedule") else None
    print(report.found(options, seed, found, failing, final, tries, saved))
    return 1


def default_save_name(options: ExploreOptions, seed: int) -> str:
    stem = os.path.splitext(os.path.basename(options.target.path_or_module))[0] or "program"
    return f"explore-{stem.replace('.', '-')}-{seed}.json"


def save(result: Dict[str, Any], path: str, options: ExploreOptions, seed: int) -> Optional[str]:
    """The schedule file (trace-format.md), with what explore knows of it under ``explore``."""
    from corodbg.agent.recording import schedule

    data = dict(result["schedule"])
    data["explore"] = {"family": options.family, "strategy": options.strategy, "seed": seed,
                       "run": result["run"], "failure": result["failure"], "deviations": result.get("words") or []}
    data["checksum"] = schedule.checksum(data)
    try:
        schedule.write(path, data)
    except OSError as error:
        sys.stderr.write(f"corodbg explore: cannot save the schedule {path}: {error.strerror}\n")
        return None
    return path
