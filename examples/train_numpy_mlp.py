#!/usr/bin/env python3
"""Train a small MLP in plain NumPy and save it for `xbarmc import` (README "Networks").

A network trained outside xbarmc, end to end: 784 -> 256 -> 10 with biases, ReLU,
softmax cross-entropy, Adam (lr 1e-3, batch 128), He initialisation, the epoch of the
best val accuracy kept. Inputs are xbarmc's `raw` method: pixels / 255 (as float32,
like xbarmc's features), row-major. The splits are xbarmc's: train = the first 50 000
images of the training file, val = its last 10 000, test = the test file.

  python3 examples/train_numpy_mlp.py --out net.npz   # a few minutes on 2 cores
  xbarmc import --weights net.npz --method raw --out model.h5

Writes w0 [256 x 784], b0 [256], w1 [10 x 256], b1 [10] (float64, [outputs x inputs]).
"""
import argparse
import gzip
import os
import sys

import numpy as np


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_dir, name):
    for ext in ("", ".gz"):
        path = os.path.join(data_dir, name + ext)
        if os.path.exists(path):
            return read_idx(path)
    raise SystemExit("missing %s in %s" % (name, data_dir))


def features(images):
    # xbarmc's raw method: float(pixel / 255.0), widened to float64 for the network.
    return (images.reshape(len(images), -1) / 255.0).astype(np.float32)


def forward(params, x):
    h = x
    for l, (w, b) in enumerate(params):
        z = h @ w.T + b
        h = np.maximum(z, 0) if l < len(params) - 1 else z
    return h


def accuracy(params, x, y):
    return float(np.mean(np.argmax(forward(params, x), axis=1) == y))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--hidden", default="256", help="hidden sizes, e.g. 256 or 256,64")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="net.npz")
    a = p.parse_args(argv)

    x_all = features(load(a.data_dir, "train-images-idx3-ubyte"))
    y_all = load(a.data_dir, "train-labels-idx1-ubyte").astype(np.int64)
    x_test = features(load(a.data_dir, "t10k-images-idx3-ubyte"))
    y_test = load(a.data_dir, "t10k-labels-idx1-ubyte").astype(np.int64)
    n_val = 10000 if len(x_all) >= 60000 else len(x_all) // 6
    x_tr, y_tr = x_all[:-n_val], y_all[:-n_val]
    x_val, y_val = x_all[-n_val:], y_all[-n_val:]

    rng = np.random.default_rng(a.seed)
    sizes = [x_tr.shape[1]] + [int(s) for s in a.hidden.split(",") if s] + [10]
    params = [(rng.normal(0, np.sqrt(2.0 / n_in), (n_out, n_in)).astype(np.float32),
               np.zeros(n_out, np.float32)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    moments = [[np.zeros_like(t) for t in layer for _ in (0, 1)] for layer in params]
    lr, beta1, beta2, eps, step = 1e-3, 0.9, 0.999, 1e-8, 0
    best = (-1.0, None, 0)
    for epoch in range(1, a.epochs + 1):
        order = rng.permutation(len(x_tr))
        for start in range(0, len(order), 128):
            idx = order[start:start + 128]
            hs, zs = [x_tr[idx]], []
            for l, (w, b) in enumerate(params):
                zs.append(hs[-1] @ w.T + b)
                hs.append(np.maximum(zs[-1], 0) if l < len(params) - 1 else zs[-1])
            p_ = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
            p_ /= p_.sum(axis=1, keepdims=True)
            p_[np.arange(len(idx)), y_tr[idx]] -= 1
            delta = p_ / len(idx)
            step += 1
            for l in range(len(params) - 1, -1, -1):
                w, b = params[l]
                grads = (delta.T @ hs[l], delta.sum(axis=0))
                if l > 0:
                    delta = (delta @ w) * (zs[l - 1] > 0)
                new = []
                for k, (t, g) in enumerate(zip((w, b), grads)):
                    m, v = moments[l][2 * k], moments[l][2 * k + 1]
                    m[...] = beta1 * m + (1 - beta1) * g
                    v[...] = beta2 * v + (1 - beta2) * g * g
                    m_hat, v_hat = m / (1 - beta1 ** step), v / (1 - beta2 ** step)
                    new.append(t - lr * m_hat / (np.sqrt(v_hat) + eps))
                params[l] = tuple(new)
        val = accuracy(params, x_val, y_val)
        print("epoch %2d  val acc %.4f%s" % (epoch, val, "  *" if val > best[0] else ""))
        sys.stdout.flush()
        if val > best[0]:
            best = (val, [(w.copy(), b.copy()) for w, b in params], epoch)
    params64 = [(w.astype(np.float64), b.astype(np.float64)) for w, b in best[1]]
    print("best epoch %d: val %.4f, test %.4f (float64 weights, as xbarmc evaluates them)"
          % (best[2], accuracy(params64, x_val.astype(np.float64), y_val),
             accuracy(params64, x_test.astype(np.float64), y_test)))
    arrays = {}
    for l, (w, b) in enumerate(params64):
        arrays["w%d" % l], arrays["b%d" % l] = w, b
    np.savez(a.out, **arrays)
    print("wrote %s: %s" % (a.out, ", ".join("%s %s" % (k, v.shape) for k, v in arrays.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
