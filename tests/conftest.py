"""Its presence puts tests/ on sys.path, so test modules can ``import support``."""
