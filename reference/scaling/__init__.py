"""Reference solution, part `scaling`."""
