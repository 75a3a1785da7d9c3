"""Find solution and hidden-test text, and scan any tree (a built site, student copies, feedback) for it.

A *secret line* is a line between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` or
``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` in an instructor notebook that appears
nowhere in the public text (lesson cells, markdown, the student copies), not even as part
of a longer line. Short lines (``return x``, ``return order``: under ``MIN_LENGTH`` characters)
are ignored: they occur by chance in unrelated files, such as the theme's JavaScript, and are no
evidence of a leak. A trailing line-continuation backslash is not part of a line's text (in a JSON
file, an escaped quote would match it).

The scan reads every file. HTML is also compared with its tags stripped and entities
unescaped, because syntax highlighting splits code into ``<span>`` tokens.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
_REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
MIN_LENGTH = 16


def norm(text: str) -> str:
    """``text`` with every run of whitespace made one space, stripped."""
    return _SPACE.sub(" ", text).strip()


def norm_line(line: str) -> str:
    """A source line, whitespace-normalised and without a trailing continuation backslash."""
    return norm(norm(line).removesuffix("\\"))


def source_lines(sources: Iterable[str]) -> set[str]:
    """The normalised, non-empty lines of cell sources."""
    return {norm_line(line) for src in sources for line in src.splitlines()} - {""}


def region_lines(sources: Iterable[str], kinds: tuple[str, ...] = ("SOLUTION", "HIDDEN TESTS")) -> list[str]:
    """The lines inside ``### BEGIN <kind>`` ... ``### END <kind>`` regions of the cell ``sources``."""
    lines = []
    for src in sources:
        for match in _REGION.finditer(src.replace("\r\n", "\n")):
            if match.group(1) in kinds:
                lines.extend(match.group(2).splitlines())
    return lines


def without_regions(source: str) -> str:
    """A cell's source without its solution and hidden-test regions: what every student is given of it."""
    return _REGION.sub("", source.replace("\r\n", "\n"))


@dataclass(frozen=True)
class Leak:
    path: Path
    secret: str  # the secret line, or the marker, that was found


def split_notebook(path: Path) -> tuple[list[str], list[str]]:
    """Return (secret region lines, public lines) of an instructor notebook."""
    sources = [cell.source.replace("\r\n", "\n") for cell in nbformat.read(path, as_version=4).cells]
    public = [line for src in sources for line in without_regions(src).splitlines()]
    return region_lines(sources), public


def secret_lines(instructor_notebooks: Iterable[Path], public_notebooks: Iterable[Path] = ()) -> set[str]:
    """Normalised secret lines of the given notebooks, minus anything that is public anyway."""
    secrets: set[str] = set()
    public: set[str] = set()
    for path in instructor_notebooks:
        s, p = split_notebook(path)
        secrets.update(norm_line(line) for line in s)
        public.update(norm_line(line) for line in p)
    for path in public_notebooks:
        public |= source_lines(cell.source for cell in nbformat.read(path, as_version=4).cells)
    # a secret line that is part of a public line (the same call with a comment after it) is no secret
    public_text = "\n".join(public)
    return {s for s in secrets if len(s) >= MIN_LENGTH and s not in public_text}


def _views(raw: str) -> tuple[str, str]:
    """The file's text as is, and with tags stripped and entities unescaped (both whitespace-normalised)."""
    return norm(raw), norm(html.unescape(_TAG.sub("", raw)))


def scan(root: Path, secrets: set[str], markers: Iterable[str] = MARKERS) -> list[Leak]:
    """Every (file, secret) pair where a secret line or a marker occurs in ``root`` (a file, or every file under it)."""
    if not root.exists():
        raise FileNotFoundError(f"nothing to scan: {root} does not exist")
    needles = [*markers, *sorted(secrets)]
    leaks = []
    for path in [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()):
        views = _views(path.read_bytes().decode("utf-8", errors="replace"))
        for needle in needles:
            if any(needle in v for v in views):
                leaks.append(Leak(path, needle))
    return leaks
