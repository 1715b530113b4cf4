"""Correct variant: pairs from a band mask of positions, vocabulary with np.unique."""


def build_vocab(tokens, min_count=1):
    if not tokens:
        return {}, np.zeros(0, dtype=np.int64)
    words, counts = np.unique(np.array(tokens), return_counts=True)   # words come sorted
    order = np.lexsort((words, -counts))                              # by count, ties alphabetically
    keep = [i for i in order if counts[i] >= min_count]
    return {str(words[i]): rank for rank, i in enumerate(keep)}, counts[keep].astype(np.int64)


def skipgram_pairs(ids, window):
    ids = np.asarray(ids, dtype=np.int64)
    positions = np.arange(len(ids))
    distance = np.abs(positions[:, None] - positions[None, :])
    centers, contexts = np.nonzero((distance > 0) & (distance <= window))
    return np.column_stack([ids[centers], ids[contexts]]).reshape(-1, 2)
