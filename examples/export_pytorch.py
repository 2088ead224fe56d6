#!/usr/bin/env python3
"""Export a PyTorch network for `xbarmc import` (DESIGN §2.7).

xbarmc runs fully connected networks: h_l = ReLU(W_l h_{l-1} + b_l) for the hidden
layers, logits = W_L h_{L-1} + b_L. A torch.nn.Sequential of Linear and ReLU modules
(ReLU after every Linear but the last; a leading Flatten is allowed) is exactly that.

Orientation: nn.Linear(in_features, out_features).weight has shape
[out_features, in_features], and xbarmc's W_l is [n_l x n_{l-1}] = [outputs x inputs]:
the same. Save `layer.weight.detach().numpy()` as it is, never transposed. The bias is
[out_features].

Inputs: the network must have been trained on the input xbarmc feeds it, e.g. `raw`
= pixels / 255 as 784 values in row-major order (what torchvision's ToTensor() gives,
flattened, without Normalize), or one of the 64-value resize methods (avg_8x8, ...).

Usage:
  python3 examples/export_pytorch.py model.pt net.npz    # torch.save(model) of a Sequential
  python3 examples/export_pytorch.py --state-dict sd.pt --sizes 784,256,10 net.npz
  xbarmc import --weights net.npz --method raw --out model.h5

The .npz holds arrays w0, w1, ... (float64 [outputs x inputs]) and, when the network has
biases, b0, b1, ... (a Linear without bias gets zeros). One .npy per layer works too:
`xbarmc import --weights w0.npy,w1.npy --biases b0.npy,b1.npy` (pass --npy-dir DIR).
"""
import argparse
import os
import sys

import numpy as np


def _name(module):
    return type(module).__name__


def linear_layers(sequential):
    """The (weight, bias) of each Linear of a Sequential of Linear/ReLU, checked."""
    modules = list(sequential.children()) if hasattr(sequential, "children") else list(sequential)
    if modules and _name(modules[0]) == "Flatten":
        modules = modules[1:]
    layers = []
    for i, m in enumerate(modules):
        kind = _name(m)
        if kind == "Linear":
            if layers and i > 0 and _name(modules[i - 1]) != "ReLU":
                raise ValueError("module %d: a Linear must follow a ReLU" % i)
            w = m.weight.detach().cpu().numpy().astype(np.float64)  # [out x in], as is
            b = None if m.bias is None else m.bias.detach().cpu().numpy().astype(np.float64)
            layers.append((w, b))
        elif kind == "ReLU":
            if i == 0 or _name(modules[i - 1]) != "Linear" or i == len(modules) - 1:
                raise ValueError("module %d: ReLU goes between two Linear modules" % i)
        else:
            raise ValueError("module %d: %s; xbarmc runs Linear and ReLU only" % (i, kind))
    if not layers:
        raise ValueError("no Linear module")
    for l in range(1, len(layers)):
        if layers[l][0].shape[1] != layers[l - 1][0].shape[0]:
            raise ValueError("layer %d takes %d inputs but layer %d gives %d"
                             % (l, layers[l][0].shape[1], l - 1, layers[l - 1][0].shape[0]))
    return layers


def layers_from_state_dict(state, sizes):
    """(weight, bias) per layer from a Sequential's state_dict, e.g. keys 0.weight, 2.weight."""
    weights = [k for k in state if k.endswith("weight")]
    weights.sort(key=lambda k: int(k.split(".")[-2]) if k.split(".")[-2].isdigit() else k)
    layers = []
    for k in weights:
        w = state[k].detach().cpu().numpy().astype(np.float64)
        bk = k[: -len("weight")] + "bias"
        b = state[bk].detach().cpu().numpy().astype(np.float64) if bk in state else None
        layers.append((w, b))
    shapes = [layers[0][0].shape[1]] + [w.shape[0] for w, _ in layers]
    if sizes and shapes != sizes:
        raise ValueError("state dict has sizes %s, expected %s" % (shapes, sizes))
    return layers


def arrays_for_xbarmc(layers):
    """{w0: W_0, b0: b_0, ...}: biases for every layer or for none (zeros fill gaps)."""
    out = {}
    biased = any(b is not None for _, b in layers)
    for l, (w, b) in enumerate(layers):
        if not np.all(np.isfinite(w)) or (b is not None and not np.all(np.isfinite(b))):
            raise ValueError("layer %d holds NaN or Inf" % l)
        out["w%d" % l] = np.ascontiguousarray(w, dtype=np.float64)
        if biased:
            out["b%d" % l] = np.zeros(w.shape[0]) if b is None else np.asarray(b, np.float64)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", nargs="?", help="torch.save()d nn.Sequential")
    p.add_argument("out", help="the .npz to write (or a folder with --npy-dir)")
    p.add_argument("--state-dict", help="a state_dict (torch.save(model.state_dict())) instead")
    p.add_argument("--sizes", help="with --state-dict: the layer sizes to expect, e.g. 784,256,10")
    p.add_argument("--npy-dir", action="store_true", help="write w<l>.npy / b<l>.npy into OUT/")
    a = p.parse_args(argv)
    import torch  # only here: the helpers above work on any objects shaped like torch's

    if a.state_dict:
        sizes = [int(s) for s in a.sizes.split(",")] if a.sizes else None
        layers = layers_from_state_dict(torch.load(a.state_dict, map_location="cpu"), sizes)
    else:
        model = torch.load(a.model, map_location="cpu", weights_only=False)
        layers = linear_layers(model)
    arrays = arrays_for_xbarmc(layers)
    if a.npy_dir:
        os.makedirs(a.out, exist_ok=True)
        for name, value in arrays.items():
            np.save(os.path.join(a.out, name + ".npy"), value)
    else:
        np.savez(a.out, **arrays)
    sizes = [layers[0][0].shape[1]] + [w.shape[0] for w, _ in layers]
    print("%d layers %s%s -> %s" % (len(layers), " -> ".join(map(str, sizes)),
                                      ", with biases" if "b0" in arrays else "", a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
