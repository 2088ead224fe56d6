"""The one-page HTML report: every figure embedded as a PNG data URI, no external
files, scripts or fonts, so the page can be mailed or archived on its own."""

from __future__ import annotations

import base64
import datetime
import html
import os
from typing import List, Sequence

from .sections import FigureBlock, Section, TableBlock

STYLE = """
body { font-family: sans-serif; max-width: 1150px; margin: 1.5em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 2px solid #888; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: right; }
th { background: #eee; } td:first-child, th:first-child { text-align: left; }
table.metadata td { text-align: left; font-family: monospace; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #444; max-width: 60em; }
.warning { background: #fff3cd; border: 1px solid #e0b84d; padding: 0.5em; }
pre { background: #f6f6f6; padding: 0.5em; overflow-x: auto; font-size: 0.85em; }
"""


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _figure_html(block: FigureBlock) -> str:
    data = base64.b64encode(block.png).decode("ascii")
    return (f'<figure class="plot" data-key="{_esc(block.key)}">\n<h3>{_esc(block.title)}</h3>\n'
            f'<img alt="{_esc(block.title)}" src="data:image/png;base64,{data}">\n'
            f"<figcaption>{_esc(block.caption)}</figcaption>\n</figure>")


def _table_html(block: TableBlock) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in block.columns)
    body = "\n".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>" for row in block.rows)
    return (f"<h3>{_esc(block.title)}</h3>\n"
            f'<table class="{_esc(block.kind)}" data-group="{_esc(block.group)}">\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>")


def _section_html(section: Section, anchor: str) -> str:
    parts = [f'<section id="{anchor}" data-study="{_esc(section.study)}">',
             f"<h2>{_esc(os.path.basename(section.path))} — {_esc(section.study)} study</h2>"]
    rows = "\n".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in section.metadata)
    parts.append(f'<table class="metadata">\n<tr><th>file</th><td>{_esc(section.path)}</td></tr>\n{rows}\n</table>')
    if section.config_toml:
        parts.append(f"<details><summary>resolved configuration (TOML)</summary>"
                     f"<pre>{_esc(section.config_toml)}</pre></details>")
    for warning in section.warnings:
        parts.append(f'<p class="warning">Consistency check failed: {_esc(warning)}</p>')
    for block in section.blocks:
        parts.append(_figure_html(block) if isinstance(block, FigureBlock) else _table_html(block))
    parts.append("</section>")
    return "\n".join(parts)


def render(sections: Sequence[Section], generated_utc: str = "") -> str:
    """The whole page; generated_utc defaults to now."""
    stamp = generated_utc or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    toc: List[str] = []
    body: List[str] = []
    for i, section in enumerate(sections):
        anchor = f"file{i + 1}"
        toc.append(f'<li><a href="#{anchor}">{_esc(os.path.basename(section.path))}</a> ({_esc(section.study)})</li>')
        body.append(_section_html(section, anchor))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>xbarmc report</title>\n"
            f"<style>{STYLE}</style>\n</head>\n<body>\n<h1>xbarmc report</h1>\n"
            f"<p>Generated {_esc(stamp)} from {len(sections)} results file(s). Accuracies are fractions "
            "of the split's images; yields are fractions of the sampled chips with 95 % Wilson "
            "intervals.</p>\n"
            f"<ul>{''.join(toc)}</ul>\n" + "\n".join(body) + "\n</body>\n</html>\n")
