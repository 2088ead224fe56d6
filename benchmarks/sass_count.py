#!/usr/bin/env python3
"""Static SASS instruction counts of the inference kernel (issue 13, napkin math).

Reads the sm_90 SASS of a compiled object or binary (cuobjdump -sass), finds the loops
of one kernel from its branches, and reports warp instructions:
  - per active row: the innermost loop that loads the read matrix from shared memory
    (LDS) and adds (FADD), divided by the rows one iteration reads (its matrix LDS
    count; list loads are LDG);
  - per step: the smallest loop around it that holds the ADC (FRND.FLOOR), outside its
    nested loops, shortest and longest path (branches that leave the loop's address
    range go to out-of-line slow paths, e.g. IEEE sqrt of a denormal, and count as not
    taken);
  - noise: the loop that draws Philox blocks (>= 10 IMAD.HI/IMAD.WIDE.U32), per block;
  - per image: the loop around the step loop, outside its nested loops;
and an estimate per inference for a workload (default: the bench's 64x20, T=16, ~32
active rows per step from uniform features, read noise on, scheme B).

Every figure is an issue count of one warp (32 lanes); nothing here ran on a GPU.

  python3 benchmarks/sass_count.py build-ci/CMakeFiles/xbarmc_cuda.dir/kernels/inference_kernel.cu.o \
      --kernel 'inference_kernel.*Lb1ELb0E' --images-per-warp 1
"""
import argparse
import random
import re
import shutil
import subprocess
import sys

INSN = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(@!?U?P[T0-9]+\s+)?([A-Z][A-Z0-9_.]*)\s*([^;]*);")
FUNC = re.compile(r"Function : (\S+)")


def find_tool(name):
    path = shutil.which(name)
    if path:
        return path
    try:  # the PyPI wheels nvidia-cuda-cuobjdump / nvidia-cuda-nvdisasm
        import nvidia  # noqa: F401
        import os
        for base in nvidia.__path__:
            cand = os.path.join(base, "cu13", "bin", name)
            if os.path.exists(cand):
                return cand
    except ImportError:
        pass
    sys.exit(f"sass_count: {name} not found (CUDA toolkit, or pip install nvidia-cuda-cuobjdump)")


def read_functions(path, arch):
    out = subprocess.run([find_tool("cuobjdump"), "-sass", "-arch", arch, path],
                         check=True, capture_output=True, text=True).stdout
    funcs, name = {}, None
    for line in out.splitlines():
        m = FUNC.search(line)
        if m:
            name = m.group(1)
            funcs[name] = []
            continue
        m = INSN.search(line)
        if m and name:
            addr = int(m.group(1), 16)
            pred = (m.group(2) or "").strip()
            op, args = m.group(3), m.group(4).strip()
            funcs[name].append((addr, pred, op, args))
    return funcs


def branch_target(args):
    m = re.search(r"0x([0-9a-f]+)", args)
    return int(m.group(1), 16) if m else None


class Cfg:
    """Basic blocks, dominators and natural loops of one kernel. A loop is the set of
    blocks of a back edge (an edge into a block that dominates its source); nvcc also
    branches backwards from out-of-line slow paths, which are not loops."""

    def __init__(self, insns):
        self.insns = [i for i in insns if i[2] != "NOP"]
        addrs = [i[0] for i in self.insns]
        pos = {a: k for k, a in enumerate(addrs)}
        leaders = {0}
        for k, (a, pred, op, args) in enumerate(self.insns):
            if op.startswith("BRA") or op in ("EXIT", "RET") or op.startswith("RET"):
                if k + 1 < len(self.insns):
                    leaders.add(k + 1)
                t = branch_target(args) if op.startswith("BRA") else None
                if t is not None and t in pos:
                    leaders.add(pos[t])
        starts = sorted(leaders)
        self.blocks = []  # (first index, last index)
        for n, b in enumerate(starts):
            e = (starts[n + 1] if n + 1 < len(starts) else len(self.insns)) - 1
            self.blocks.append((b, e))
        block_of = {b: n for n, (b, _e) in enumerate(self.blocks)}
        self.succ = []
        for n, (b, e) in enumerate(self.blocks):
            a, pred, op, args = self.insns[e]
            out = []
            if op.startswith("BRA.DIV"):
                # taken only when the warp has diverged (a fallback path): not followed
                if n + 1 < len(self.blocks):
                    out.append(n + 1)
            elif op.startswith("BRA"):
                t = branch_target(args)
                if t is not None and t in pos:
                    out.append(block_of[pos[t]])
                if pred and n + 1 < len(self.blocks):
                    out.append(n + 1)
            elif op == "EXIT" or op.startswith("RET"):
                if pred and n + 1 < len(self.blocks):
                    out.append(n + 1)
            elif n + 1 < len(self.blocks):
                out.append(n + 1)
            self.succ.append(out)
        n_blocks = len(self.blocks)
        pred_of = [[] for _ in range(n_blocks)]
        for n, out in enumerate(self.succ):
            for m in out:
                pred_of[m].append(n)
        reach, stack = {0}, [0]
        while stack:
            x = stack.pop()
            for m in self.succ[x]:
                if m not in reach:
                    reach.add(m)
                    stack.append(m)
        pred_of = [[p for p in ps if p in reach] for ps in pred_of]
        # dominators, iteratively (the kernels have a few hundred blocks)
        full = set(range(n_blocks))
        dom = [full.copy() for _ in range(n_blocks)]
        dom[0] = {0}
        changed = True
        while changed:
            changed = False
            for n in sorted(reach - {0}):
                ps = [dom[p] for p in pred_of[n]]
                d = set.intersection(*ps) if ps else set()
                d = d | {n}
                if d != dom[n]:
                    dom[n] = d
                    changed = True
        self.loops = []  # (header block, frozenset of blocks)
        by_header = {}
        for n, out in enumerate(self.succ):
            for h in out:
                if n in reach and h in dom[n]:  # back edge n -> h
                    body = {h, n}
                    stack = [n] if n != h else []
                    while stack:
                        x = stack.pop()
                        for p in pred_of[x]:
                            if p not in body:
                                body.add(p)
                                stack.append(p)
                    by_header.setdefault(h, set()).update(body)
        self.loops = [(h, frozenset(b)) for h, b in by_header.items()]
        self.loops.sort(key=lambda l: len(l[1]))

    def body(self, loop):
        out = []
        for n in sorted(loop[1]):
            b, e = self.blocks[n]
            out.extend(self.insns[b:e + 1])
        return out

    def nested(self, loop):
        inner = [l for l in self.loops if l != loop and l[1] < loop[1]]
        return [l for l in inner if not any(o != l and l[1] < o[1] for o in inner)]

    def enclosing(self, loop):
        return sorted([l for l in self.loops if l != loop and loop[1] < l[1]], key=lambda l: len(l[1]))

    def span(self, loop):
        a = [self.insns[self.blocks[n][0]][0] for n in loop[1]]
        return f"0x{min(a):04x}-0x{max(self.insns[self.blocks[n][1]][0] for n in loop[1]):04x}"

    def paths(self, loop, excluded=()):
        """Shortest and longest instruction path through one iteration (header to a back
        edge or an exit of the loop). A nested loop in `excluded` (counted apart) adds
        nothing; any other nested loop adds one iteration of its own."""
        header, blocks = loop
        nested = self.nested(loop)
        memo = {}

        def block_len(n):
            b, e = self.blocks[n]
            return e - b + 1

        def walk(n):
            if n in memo:
                return memo[n]
            memo[n] = (0, 0)  # guards against cycles we did not model
            for inner in nested:
                if n == inner[0]:
                    cost = (0, 0) if any(inner[1] <= x[1] for x in excluded) \
                        else self.paths(inner, excluded)
                    exits = {m for x in inner[1] for m in self.succ[x]
                             if m not in inner[1] and m in blocks and m != header}
                    rest = [walk(m) for m in exits] or [(0, 0)]
                    r = (cost[0] + min(x[0] for x in rest), cost[1] + max(x[1] for x in rest))
                    memo[n] = r
                    return r
            nxt = [m for m in self.succ[n] if m in blocks and m != header]
            rest = [walk(m) for m in nxt] or [(0, 0)]
            if any(m == header or m not in blocks for m in self.succ[n]) and nxt:
                rest.append((0, 0))
            r = (block_len(n) + min(x[0] for x in rest), block_len(n) + max(x[1] for x in rest))
            memo[n] = r
            return r

        return walk(header)


def count(insns, pattern):
    return sum(1 for i in insns if re.match(pattern, i[2]))


def describe(cfg, loop):
    body = cfg.body(loop)
    lds = count(body, r"LDS")
    fadd = count(body, r"FADD")
    return f"{len(body)} instructions ({lds} LDS, {fadd} FADD)"


def padded_max_rows(n_in, k, pad, samples=4000, seed=1):
    """Mean over warps of max_k(active rows padded to `pad`) and the unpadded mean,
    for k images of uniform features with rate coding (the bench's synthetic images)."""
    rng = random.Random(seed)
    tot_max, tot = 0.0, 0.0
    for _ in range(samples):
        counts = []
        for _img in range(k):
            xs = [rng.random() for _ in range(n_in)]
            c = sum(1 for x in xs if rng.random() < x)
            counts.append(c)
        tot += sum(counts) / k
        tot_max += max(-(-c // pad) * pad for c in counts)
    return tot_max / samples, tot / samples


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary", help="object, library or executable with sm_90 SASS")
    ap.add_argument("--kernel", default=r"inference_kernel", help="regex on the mangled name")
    ap.add_argument("--arch", default="sm_90")
    ap.add_argument("--images-per-warp", type=int, default=1,
                    help="images one warp iteration of the row loop serves (new kernel: 32 // n_out)")
    ap.add_argument("--row-pad", type=int, default=1,
                    help="the row lists are padded to a multiple of this (zero rows)")
    ap.add_argument("--n-in", type=int, default=64)
    ap.add_argument("--n-ch", type=int, default=20, help="noise channels per step (B: columns)")
    ap.add_argument("--timesteps", type=int, default=16)
    ap.add_argument("--normals-per-noise-iteration", type=int, default=4,
                    help="normals one lane's iteration of the noise loop makes")
    ap.add_argument("--list", action="store_true", help="list the kernels and exit")
    ap.add_argument("--dump-loop", choices=["row", "step", "noise", "image"],
                    help="print the instructions of that loop")
    a = ap.parse_args()

    funcs = read_functions(a.binary, a.arch)
    if a.list:
        for f, ins in funcs.items():
            print(f"{len(ins):6d}  {f}")
        return
    names = [f for f in funcs if re.search(a.kernel, f)]
    if len(names) != 1:
        sys.exit(f"sass_count: {len(names)} kernels match {a.kernel!r}: {names[:6]}")
    name = names[0]
    cfg = Cfg(funcs[name])

    def is_row(l):
        b = cfg.body(l)
        return not cfg.nested(l) and count(b, r"LDS") >= 1 and count(b, r"FADD") >= 1 \
            and count(b, r"FRND") == 0
    rows = [l for l in cfg.loops if is_row(l)]
    if not rows:
        sys.exit("sass_count: no row loop (innermost loop with LDS and FADD)")
    row = max(rows, key=lambda l: count(cfg.body(l), r"FADD"))
    step = next((l for l in cfg.enclosing(row) if count(cfg.body(l), r"FRND") > 0), None)
    image = cfg.enclosing(step)[0] if step and cfg.enclosing(step) else None
    noise = [l for l in cfg.loops if count(cfg.body(l), r"IMAD\.(HI|WIDE)\.U32") >= 10]
    noise = min(noise, key=lambda l: len(l[1])) if noise else None

    row_body = cfg.body(row)
    rows_per_iter = max(1, count(row_body, r"LDS"))
    row_insns = len(row_body)
    per_row = row_insns / rows_per_iter
    print(f"kernel {name}")
    print(f"row loop   {cfg.span(row)}: {describe(cfg, row)}; "
          f"{rows_per_iter} rows per iteration -> {per_row:.2f} per row and warp, "
          f"{per_row / a.images_per_warp:.2f} per image-row ({a.images_per_warp} images per warp)")
    step_lo = step_hi = 0
    if step:
        step_lo, step_hi = cfg.paths(step, [l for l in (row, noise) if l])
        print(f"step loop  {cfg.span(step)}: {describe(cfg, step)}; "
              f"path outside nested loops {step_lo}..{step_hi} per warp step")
    noise_len = 0
    if noise:
        noise_len = len(cfg.body(noise))
        print(f"noise loop {cfg.span(noise)}: {noise_len} instructions per lane "
              f"iteration ({a.normals_per_noise_iteration} normals)")
    img_lo = img_hi = 0
    if image:
        img_lo, img_hi = cfg.paths(image, [l for l in (step, noise) if l])
        print(f"image loop {cfg.span(image)}: {describe(cfg, image)}; "
              f"path outside nested loops {img_lo}..{img_hi}")

    k = a.images_per_warp
    iters_rows, mean_rows = padded_max_rows(a.n_in, k, a.row_pad)
    T = a.timesteps
    row_cost = T * iters_rows * per_row / k
    step_cost = T * step_hi / k
    normals = T * a.n_ch
    if k == 1 and noise:
        # one image per warp: rounds of 32 lanes over this image's iterations
        iters = -(-(normals + 3) // a.normals_per_noise_iteration)
        noise_cost = -(-iters // 32) * noise_len
    else:
        noise_cost = (normals / a.normals_per_noise_iteration) / 32 * noise_len if noise else 0
    image_cost = img_hi / k
    total = row_cost + step_cost + noise_cost + image_cost
    total_lo = row_cost + T * step_lo / k + noise_cost + img_lo / k
    print(f"workload: {a.n_in} inputs, T={T}, {mean_rows:.1f} active rows per step on average, "
          f"{iters_rows:.1f} row iterations per warp step (max over {k} images, padded to {a.row_pad}), "
          f"{normals} normals per image")
    print(f"per inference: rows {row_cost:.0f} + steps {step_cost:.0f} + noise {noise_cost:.0f} + "
          f"image {image_cost:.0f} = {total:.0f} warp instructions (longest paths; "
          f"{total_lo:.0f} on the shortest)")
    h100 = 4 * 132 * 1.98e9
    print(f"issue bound on an H100 SXM (132 SMs x 4 schedulers x 1.98 GHz): {h100 / total:.3g} inferences/s")
    if a.dump_loop:
        loop = {"row": row, "step": step, "noise": noise, "image": image}[a.dump_loop]
        for ad, pred, op, args in cfg.body(loop):
            print(f"  {ad:05x}  {pred:6s} {op:24s} {args}")


if __name__ == "__main__":
    main()
