"""Reference solution, part `nn`."""
