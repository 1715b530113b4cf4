"""Correct variant: the network with loops over neurons and examples, written unlike the reference."""


def dense_forward(X, W, b):
    n_rows, n_out = X.shape[0], W.shape[1]
    U = np.zeros((n_rows, n_out))
    for neuron in range(n_out):              # one column (one neuron) at a time
        U[:, neuron] = X.dot(W[:, neuron]) + b[neuron]
    return U


def forward(X, params):
    cache = {"X": X}
    cache["U1"] = dense_forward(X, params["W1"], params["b1"])
    cache["O1"] = relu(cache["U1"])
    cache["U2"] = dense_forward(cache["O1"], params["W2"], params["b2"])
    cache["O2"] = sigmoid(cache["U2"])
    return cache["O2"], cache


def bce_loss(y_hat, y):
    predictions = np.asarray(y_hat, dtype=np.float64).ravel()
    labels = np.asarray(y, dtype=np.float64).ravel()
    total = 0.0
    for p, label in zip(predictions, labels):
        p = min(max(p, 1e-12), 1.0 - 1e-12)
        total += -np.log(p) if label == 1 else -np.log1p(-p)
    return total / len(labels)


def backward(y, params, cache):
    X, U1, O1, O2 = cache["X"], cache["U1"], cache["O1"], cache["O2"]
    n_examples, n_hidden = U1.shape
    labels = np.asarray(y, dtype=np.float64).ravel()
    error = O2[:, 0] - labels                     # (N,)
    grad_W2 = np.zeros((n_hidden, 1))
    grad_b2 = np.array([error.sum() / n_examples])
    grad_W1 = np.zeros(params["W1"].shape)
    grad_b1 = np.zeros(n_hidden)
    for j in range(n_hidden):
        grad_W2[j, 0] = error.dot(O1[:, j]) / n_examples
        delta = error * params["W2"][j, 0] * (U1[:, j] > 0) / n_examples   # ∂L/∂U¹[:, j]
        grad_W1[:, j] = X.T.dot(delta)
        grad_b1[j] = delta.sum()
    return {"W1": grad_W1, "b1": grad_b1, "W2": grad_W2, "b2": grad_b2}


def collapse_linear(W1, b1, W2, b2):
    d, K = W1.shape[0], W2.shape[1]
    W = np.zeros((d, K))
    b = np.array(b2, dtype=np.float64)
    for k in range(K):
        for i in range(d):
            W[i, k] = W1[i].dot(W2[:, k])
        b[k] += b1.dot(W2[:, k])
    return W, b


def iterations_per_epoch(n_samples, batch_size):
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    count, covered = 0, 0
    while covered < n_samples:
        covered += batch_size
        count += 1
    return count


def minibatch_indices(n_samples, batch_size, rng):
    order = rng.permutation(n_samples)
    batches = []
    start = 0
    while start < n_samples:
        batches.append(order[start:min(start + batch_size, n_samples)])
        start += batch_size
    return batches


def sgd_step(params, grads, lr):
    stepped = {}
    for key in params:
        stepped[key] = params[key] - grads[key] * lr
    return stepped


def train(X, y, hidden, lr, epochs, batch_size, seed):
    generator = np.random.default_rng(seed)
    n_examples, n_features = X.shape
    labels = np.asarray(y, dtype=np.float64).ravel()
    params = {"W1": generator.standard_normal((n_features, hidden)) * np.sqrt(2.0 / n_features),
              "b1": np.zeros(hidden),
              "W2": generator.standard_normal((hidden, 1)) / np.sqrt(hidden),
              "b2": np.zeros(1)}
    history = []
    for _ in range(epochs):
        weighted = 0.0
        for rows in minibatch_indices(n_examples, batch_size, generator):
            probabilities, cache = forward(X[rows], params)
            weighted += len(rows) * bce_loss(probabilities, labels[rows])
            params = sgd_step(params, backward(labels[rows], params, cache), lr)
        history.append(weighted / n_examples)
    return params, history


def predict(X, params):
    probabilities, _ = forward(X, params)
    labels = np.zeros(len(probabilities), dtype=np.int64)
    for i, p in enumerate(probabilities[:, 0]):
        if p >= 0.5:
            labels[i] = 1
    return labels
