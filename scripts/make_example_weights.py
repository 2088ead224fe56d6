#!/usr/bin/env python3
"""Writes examples/weights_10x64.csv: a small, deterministic on-chip layer W [10 x 64].

W is a least-squares linear classifier on the avg_8x8 features of DESIGN §2.1
(28x28 Fashion-MNIST images area-averaged to 8x8, pixels/255): the closed-form
ridge regression of one-hot labels on the features of the first 50 000 training
images (the train split), W = Yᵀ X (XᵀX + λI)⁻¹ with λ = 1, no bias like the chip's
layer. No randomness and no training loop, so the file is the same on every
machine. It reaches about 0.73 float test accuracy (printed), a realistic input for
`xbarmc map` and the studies; a softmax model from `xbarmc train` does better.

Usage: python3 scripts/make_example_weights.py [DATA_DIR] [OUT_CSV]
"""
import gzip
import struct
import sys
from pathlib import Path

import numpy as np

N_TRAIN = 50_000  # DESIGN §2.1: train = first 50 000 of the training file
RIDGE_LAMBDA = 1.0


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def avg_8x8(images):
    """Area-average resize 28x28 -> 8x8 (each output pixel covers 3.5x3.5 inputs)."""
    # Weight of input pixel p in output cell o along one axis: overlap of
    # [p, p+1) with [3.5 o, 3.5 (o+1)), divided by 3.5.
    m = np.zeros((8, 28))
    for o in range(8):
        lo, hi = 3.5 * o, 3.5 * (o + 1)
        for p in range(28):
            m[o, p] = max(0.0, min(hi, p + 1) - max(lo, p)) / 3.5
    x = images.astype(np.float64) / 255.0
    return np.einsum("op,npq,rq->nor", m, x, m).reshape(len(images), 64)


def main():
    data_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else Path(__file__).parent.parent / "examples" / "weights_10x64.csv")
    x = avg_8x8(read_idx(data_dir / "train-images-idx3-ubyte.gz")[:N_TRAIN])
    y = read_idx(data_dir / "train-labels-idx1-ubyte.gz")[:N_TRAIN]
    one_hot = np.eye(10)[y]
    w = np.linalg.solve(x.T @ x + RIDGE_LAMBDA * np.eye(64), x.T @ one_hot).T
    out.write_text("".join(",".join(f"{v:.6f}" for v in row) + "\n" for row in w))

    x_test = avg_8x8(read_idx(data_dir / "t10k-images-idx3-ubyte.gz"))
    y_test = read_idx(data_dir / "t10k-labels-idx1-ubyte.gz")
    accuracy = np.mean(np.argmax(x_test @ w.T, axis=1) == y_test)
    print(f"wrote {out}: W {w.shape[0]} x {w.shape[1]}, max|W| {np.abs(w).max():.6f}, "
          f"float test accuracy of argmax(W x) {accuracy:.4f}")


if __name__ == "__main__":
    main()
