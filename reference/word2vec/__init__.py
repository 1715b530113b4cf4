"""Reference solution, part `word2vec`."""
