"""Another program (a schedule of check_then_act.py must not replay on it)."""
print("other")
