"""Correct variant: vocabulary and pairs with dicts and nested loops (pairs in another row order)."""


def build_vocab(tokens, min_count=1):
    tally = {}
    for token in tokens:
        tally[token] = tally.get(token, 0) + 1
    ranked = sorted(tally.items(), key=lambda entry: (-entry[1], entry[0]))
    word_to_id, counts = {}, []
    for word, count in ranked:
        if count >= min_count:
            word_to_id[word] = len(word_to_id)
            counts.append(count)
    return word_to_id, np.array(counts, dtype=np.int64)


def encode(tokens, word_to_id):
    ids = []
    for token in tokens:
        if token in word_to_id:
            ids.append(word_to_id[token])
    return np.array(ids, dtype=np.int64)


def skipgram_pairs(ids, window):
    sequence = [int(word) for word in np.asarray(ids).ravel()]
    rows = []
    for offset in list(range(-window, 0)) + list(range(1, window + 1)):
        for position, center in enumerate(sequence):
            other = position + offset
            if 0 <= other < len(sequence):
                rows.append((center, sequence[other]))
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


def cbow_examples(ids, window):
    sequence = [int(word) for word in np.asarray(ids).ravel()]
    examples = []
    for position in range(len(sequence) - 1, -1, -1):      # from the end: another item order
        context = []
        for other in range(position - window, position + window + 1):
            if other != position and 0 <= other < len(sequence):
                context.append(sequence[other])
        if context:
            examples.append((context, sequence[position]))
    return examples
