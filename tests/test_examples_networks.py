#!/usr/bin/env python3
"""The network examples end to end, without torch (not a CI dependency).

examples/export_pytorch.py works on any objects shaped like torch's modules: here a
Sequential of stand-in Linear/ReLU modules whose weights are NumPy arrays. Its .npz
goes through `xbarmc import` on a tiny IDX data set written here, and the model file,
read with h5py, must hold each weight exactly as PyTorch keeps it ([out x in], not
transposed). A model written with h5py alone, as the README shows, must load too.
Plain unittest: `python3 tests/test_examples_networks.py` (registered with ctest; needs
XBARMC_BINARY, numpy and h5py).
"""

import importlib.util
import os
import struct
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
XBARMC = os.environ.get("XBARMC_BINARY", os.path.join(ROOT, "build", "xbarmc"))

spec = importlib.util.spec_from_file_location(
    "export_pytorch", os.path.join(ROOT, "examples", "export_pytorch.py"))
export_pytorch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(export_pytorch)


class Tensor:
    def __init__(self, a):
        self.a = np.asarray(a, np.float32)

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self.a


class Linear:
    def __init__(self, n_in, n_out, rng, bias=True):
        self.weight = Tensor(rng.normal(0, 0.2, (n_out, n_in)))  # torch: [out x in]
        self.bias = Tensor(rng.normal(0, 0.1, n_out)) if bias else None


class ReLU:
    pass


class Flatten:
    pass


class Conv2d:
    pass


class Sequential:
    def __init__(self, *modules):
        self.modules = modules

    def children(self):
        return iter(self.modules)


def write_idx(path, array, magic):
    with open(path, "wb") as f:
        f.write(struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape))
        f.write(array.astype(np.uint8).tobytes())


def write_data(folder, rng):
    for name, n in (("train", 60), ("t10k", 20)):
        write_idx(os.path.join(folder, name + "-images-idx3-ubyte"),
                  rng.integers(0, 256, (n, 28, 28)), 0x803)
        write_idx(os.path.join(folder, name + "-labels-idx1-ubyte"), np.arange(n) % 10, 0x801)


class ExportPytorchTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.rng = np.random.default_rng(1)
        write_data(self.dir, self.rng)

    def tearDown(self):
        self.tmp.cleanup()

    def xbarmc_import(self, npz, out):
        return subprocess.run([XBARMC, "import", "--weights", npz, "--method", "raw",
                               "--data-dir", self.dir, "--out", out, "--quiet"],
                              capture_output=True, text=True)

    def test_sequential_imports_with_pytorchs_orientation(self):
        model = Sequential(Flatten(), Linear(784, 12, self.rng), ReLU(),
                           Linear(12, 10, self.rng, bias=False))
        arrays = export_pytorch.arrays_for_xbarmc(export_pytorch.linear_layers(model))
        self.assertEqual(sorted(arrays), ["b0", "b1", "w0", "w1"])
        np.testing.assert_array_equal(arrays["b1"], np.zeros(10))  # a Linear without bias
        npz, out = os.path.join(self.dir, "net.npz"), os.path.join(self.dir, "net.h5")
        np.savez(npz, **arrays)
        r = self.xbarmc_import(npz, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out, "r") as f:
            for l, layer in enumerate(m for m in model.children() if isinstance(m, Linear)):
                np.testing.assert_array_equal(f["layers/%d/deployed" % l][()],
                                              layer.weight.a.astype(np.float64))
            np.testing.assert_array_equal(f["layers/0/bias"][()], model.modules[1].bias.a)
            self.assertEqual(f.attrs["method"], b"raw")

    def test_modules_xbarmc_cannot_run_are_refused(self):
        with self.assertRaisesRegex(ValueError, "Conv2d; xbarmc runs Linear and ReLU only"):
            export_pytorch.linear_layers(Sequential(Conv2d(), Linear(4, 2, self.rng)))
        with self.assertRaisesRegex(ValueError, "layer 1 takes 5 inputs but layer 0 gives 4"):
            export_pytorch.linear_layers(
                Sequential(Linear(3, 4, self.rng), ReLU(), Linear(5, 2, self.rng)))
        with self.assertRaisesRegex(ValueError, "must follow a ReLU"):
            export_pytorch.linear_layers(Sequential(Linear(3, 4, self.rng), Linear(4, 2, self.rng)))

    def test_model_written_with_h5py_alone_loads(self):
        # The README's recipe: HDF5 1.10 format, fixed-length string attributes.
        w0, b0 = self.rng.normal(0, 0.1, (16, 784)), self.rng.normal(0, 0.1, 16)
        w1 = self.rng.normal(0, 0.1, (10, 16))
        path = os.path.join(self.dir, "handmade.h5")
        with h5py.File(path, "w", libver="v110") as f:
            for key, value in dict(format="xbarmc-model", method="raw", spacing="log",
                                   layout="interleaved", bias_mode="digital").items():
                f.attrs[key] = np.bytes_(value)
            f.attrs["weight_bits"] = 4
            f.attrs["r_on_ohm"], f.attrs["r_off_ohm"] = 2.34e8, 4.18e11
            f["layers/0/deployed"], f["layers/0/bias"] = w0, b0
            f["layers/1/deployed"] = w1
        maps = os.path.join(self.dir, "maps")
        r = subprocess.run([XBARMC, "map", "--weights", path, "--array-rows", "128",
                            "--array-cols", "16", "--out-dir", maps], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        # 784 rows in 7 blocks × 16 outputs in 2 blocks of 8, then 16 rows × 10 outputs in 2.
        with open(os.path.join(maps, "index.csv")) as f:
            self.assertEqual(len(f.read().splitlines()), 1 + 14 + 2)


if __name__ == "__main__":
    unittest.main()
