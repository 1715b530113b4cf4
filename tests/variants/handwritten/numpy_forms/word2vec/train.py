"""Correct variant: most_similar from a row-normalised matrix and np.argsort of the negated similarities."""


def most_similar(W, word_id, topn):
    lengths = np.sqrt(np.einsum("ve,ve->v", W, W))
    unit = np.divide(W, lengths[:, None], out=np.zeros_like(W, dtype=np.float64), where=lengths[:, None] > 0)
    similarities = unit @ unit[word_id]
    ranked = [i for i in np.argsort(-similarities, kind="mergesort") if i != word_id][:topn]
    return [(int(i), float(similarities[i])) for i in ranked]
