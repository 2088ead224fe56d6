#!/usr/bin/env python3
"""Write a self-contained one-page HTML report from xbarmc results files.

    python3 analysis/report.py RESULTS.h5 [RESULTS2.h5 ...] --out report.html [--png-dir DIR]

Figures are chosen by each file's study type (mc, drift, sweep); see
analysis/README.md for what each shows. Exit status 0 on success, 2 on a bad
input (one line naming the file and the missing or malformed dataset), and no
output is written unless every file was read and every figure drawn.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xbarmc_analysis import io  # noqa: E402


def write_atomically(path: str, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never a partial file."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".partial-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def png_names(built) -> dict:
    """(section number, block) -> file name '<results stem>_<figure key>.png', made unique."""
    from xbarmc_analysis.sections import FigureBlock
    names, used = {}, set()
    for i, section in enumerate(built):
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.splitext(os.path.basename(section.path))[0])
        for j, block in enumerate(section.blocks):
            if isinstance(block, FigureBlock):
                name = f"{stem}_{block.key}.png"
                if name in used:
                    name = f"{stem}_{i + 1}_{block.key}.png"
                used.add(name)
                names[(i, j)] = name
    return names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="+", help="xbarmc results files (.h5)")
    parser.add_argument("--out", required=True, help="HTML file to write")
    parser.add_argument("--png-dir", help="also write every figure as a PNG file into this folder")
    args = parser.parse_args(argv)
    try:
        out_dir = os.path.dirname(os.path.abspath(args.out))
        if not os.path.isdir(out_dir):
            raise io.ResultsError(f"{args.out}: the output folder {out_dir} does not exist")
        loaded = [io.load(path) for path in args.results]
        # Plotting is imported only once every file has been read: bad input fails fast.
        from xbarmc_analysis import report, sections
        built = [sections.build(results) for results in loaded]
        page = report.render(built).encode("utf-8")
        if args.png_dir:
            os.makedirs(args.png_dir, exist_ok=True)
            for (i, j), name in png_names(built).items():
                write_atomically(os.path.join(args.png_dir, name), built[i].blocks[j].png)
        write_atomically(args.out, page)
    except io.ResultsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return 2
    n_figures = sum(isinstance(b, sections.FigureBlock) for s in built for b in s.blocks)
    print(f"wrote {args.out} ({len(built)} file(s), {n_figures} figures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
