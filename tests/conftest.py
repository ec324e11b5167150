"""Its presence puts tests/ on sys.path, so test modules can ``import support``."""


def pytest_configure(config) -> None:
    """Unused snapshots warn (syrupy's --snapshot-warn-unused) rather than fail the run: a snapshot
    only one Python renders (a traceback's wording) is skipped on the others. Set here, not in
    addopts, so that the engine tests still run with a pytest that lacks the snapshot plugin."""
    if hasattr(config.option, "warn_unused_snapshots"):
        config.option.warn_unused_snapshots = True
