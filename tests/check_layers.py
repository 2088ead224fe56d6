#!/usr/bin/env python3
"""Layering check: every #include "folder/..." in host/ and kernels/ names a folder that
the including folder may use, i.e. itself, one of its CMake dependencies
(layers.txt, written by host/CMakeLists.txt) or one of theirs; and the dependencies
have no cycle. Kernel headers are included by bare name ("cuda_engine.hpp") and count
as the folder `kernels`. Usage: check_layers.py LAYERS_TXT SOURCE_DIR
"""
import os
import re
import sys


def read_layers(path):
    deps = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            folder, _, rest = line.partition(":")
            deps[folder.strip()] = rest.split()
    return deps


def closure(deps, folder, path=()):
    if folder in path:
        raise SystemExit("layers: dependency cycle " + " -> ".join(path + (folder,)))
    out = set()
    for d in deps.get(folder, []):
        out.add(d)
        out |= closure(deps, d, path + (folder,))
    return out


def main():
    layers_txt, source_dir = sys.argv[1], sys.argv[2]
    deps = read_layers(layers_txt)
    kernel_headers = set(os.listdir(os.path.join(source_dir, "kernels")))
    include = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    problems = []
    roots = [("host", d) for d in os.listdir(os.path.join(source_dir, "host"))
             if os.path.isdir(os.path.join(source_dir, "host", d))] + [("", "kernels")]
    for parent, folder in roots:
        if folder not in deps:
            continue  # not built in this configuration (kernels without CUDA)
        allowed = closure(deps, folder) | {folder, "xbarmc"}
        top = os.path.join(source_dir, parent, folder)
        for dirpath, _, files in os.walk(top):
            for name in files:
                if not name.endswith((".hpp", ".cpp", ".cu", ".cuh", ".inl")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        m = include.match(line)
                        if not m:
                            continue
                        target = m.group(1)
                        if "/" in target:
                            used = target.split("/")[0]
                        elif target in kernel_headers and folder != "kernels":
                            used = "kernels"
                        else:
                            continue  # a file beside this one
                        if used in deps or used == "xbarmc":
                            if used not in allowed:
                                rel = os.path.relpath(path, source_dir)
                                problems.append(f"{rel}:{number}: {folder} includes {target} "
                                                f"({used} is not among its dependencies)")
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(f"layers: {len(deps)} folders, every include runs downward")


if __name__ == "__main__":
    main()
