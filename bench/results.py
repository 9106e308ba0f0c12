def write_results(*a, **k): pass
