#!/usr/bin/env python3
"""Copy front-end vendor files from node_modules/ into Django static files.

No CDN is used: the libraries come from the npm registry (package.json /
package-lock.json, installed with ``npm ci``) and this script copies the few
dist files the CRM needs into ``src/crm/core/static/vendor/<lib>/``.

Source maps: Django's ManifestStaticFilesStorage rewrites (and therefore
requires) every ``sourceMappingURL`` reference in .css/.js files, so
collectstatic fails if a referenced .map is missing. For every copied .css/.js
file this script either copies the referenced .map next to it (when the package
ships it) or strips the comment. A final check verifies that every
``sourceMappingURL`` and relative CSS ``url()`` in the vendor tree resolves.

The script is idempotent: unchanged files are left untouched and files in the
vendor tree that are no longer produced are removed.

Usage (from the repository root)::

    npm ci
    python tools/copy_assets.py

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "crm" / "core" / "static" / "vendor"

# (npm package, path inside the package, path inside vendor/)
# Source maps are not listed here: they are handled per file (see module doc).
FILES: list[tuple[str, str, str]] = [
    # htmx 2.0.x (0BSD)
    ("htmx.org", "dist/htmx.min.js", "htmx/htmx.min.js"),
    ("htmx.org", "LICENSE", "htmx/LICENSE"),
    # Alpine.js, CSP-safe build (MIT; the package ships no LICENSE file)
    ("@alpinejs/csp", "dist/cdn.min.js", "alpine/alpine-csp.min.js"),
    # Bootstrap 5 (MIT)
    ("bootstrap", "dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap", "dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ("bootstrap", "LICENSE", "bootstrap/LICENSE"),
    # Bootstrap Icons (MIT); the CSS loads fonts/bootstrap-icons.woff2?<hash>
    ("bootstrap-icons", "font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"),
    ("bootstrap-icons", "font/fonts/bootstrap-icons.woff2", "bootstrap-icons/fonts/bootstrap-icons.woff2"),
    ("bootstrap-icons", "font/fonts/bootstrap-icons.woff", "bootstrap-icons/fonts/bootstrap-icons.woff"),
    ("bootstrap-icons", "LICENSE", "bootstrap-icons/LICENSE"),
    # Apache ECharts 5 (Apache-2.0: ship LICENSE and NOTICE)
    ("echarts", "dist/echarts.min.js", "echarts/echarts.min.js"),
    ("echarts", "LICENSE", "echarts/LICENSE"),
    ("echarts", "NOTICE", "echarts/NOTICE"),
    # SortableJS (MIT)
    ("sortablejs", "Sortable.min.js", "sortable/Sortable.min.js"),
    ("sortablejs", "LICENSE", "sortable/LICENSE"),
    # FullCalendar 6 (MIT), global builds; load core first, then plugins
    ("@fullcalendar/core", "index.global.min.js", "fullcalendar/core.global.min.js"),
    ("@fullcalendar/core", "locales/zh-cn.global.min.js", "fullcalendar/locales/zh-cn.global.min.js"),
    ("@fullcalendar/daygrid", "index.global.min.js", "fullcalendar/daygrid.global.min.js"),
    ("@fullcalendar/timegrid", "index.global.min.js", "fullcalendar/timegrid.global.min.js"),
    ("@fullcalendar/interaction", "index.global.min.js", "fullcalendar/interaction.global.min.js"),
    ("@fullcalendar/core", "LICENSE.md", "fullcalendar/LICENSE.md"),
]

VERSIONS_FILE = "versions.json"

# `//# sourceMappingURL=x` (JS, also the legacy `//@` form) and
# `/*# sourceMappingURL=x */` (CSS, sometimes JS). Bytes: files are copied as-is.
SOURCEMAP_RE = re.compile(
    rb"(?P<comment>//[#@][ \t]*sourceMappingURL=(?P<js>[^\s'\"]+)[ \t]*"
    rb"|/\*[#@][ \t]*sourceMappingURL=(?P<css>[^\s*'\"]+)[ \t]*\*/)"
)
# The same comment when it occupies a whole line (so the line can be dropped).
SOURCEMAP_LINE_RE = re.compile(
    rb"(?m)^[ \t]*(?://[#@][ \t]*sourceMappingURL=[^\r\n]*"
    rb"|/\*[#@][ \t]*sourceMappingURL=[^\r\n]*?\*/[ \t]*)(?:\r?\n|\Z)"
)
CSS_URL_RE = re.compile(rb"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]+)(?P=q)\s*\)""")
IMPORT_RE = re.compile(rb"""@import\s+(?:url\()?\s*['"](?P<url>[^'"]+)['"]""")
ABSOLUTE_URL_RE = re.compile(rb"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|/|#)")


class AssetError(Exception):
    pass


def sourcemap_refs(data: bytes) -> list[tuple[bytes, bytes]]:
    """Return (whole comment, url) for each sourceMappingURL comment."""
    return [(m.group("comment"), m.group("js") or m.group("css")) for m in SOURCEMAP_RE.finditer(data)]


def strip_sourcemaps(data: bytes) -> bytes:
    data = SOURCEMAP_LINE_RE.sub(b"", data)
    # Comments that share a line with code (rare in minified bundles).
    return SOURCEMAP_RE.sub(b"", data)


def is_relative(url: bytes) -> bool:
    return not ABSOLUTE_URL_RE.match(url)


def url_path(url: bytes) -> str:
    """Path part of a relative URL, without ?query or #fragment."""
    return re.split(rb"[?#]", url, maxsplit=1)[0].decode("utf-8")


def plan() -> dict[Path, bytes]:
    """Compute {destination path relative to VENDOR: content} for all assets."""
    out: dict[Path, bytes] = {}
    versions: dict[str, str] = {}
    for package, src_rel, dest_rel in FILES:
        pkg_dir = NODE_MODULES / package
        pkg_json = pkg_dir / "package.json"
        if not pkg_json.is_file():
            raise AssetError(f"npm package {package!r} is not installed ({pkg_json} missing); run `npm ci` first")
        versions.setdefault(package, json.loads(pkg_json.read_text(encoding="utf-8"))["version"])
        src = pkg_dir / src_rel
        if not src.is_file():
            raise AssetError(f"{src} not found: did {package} {versions[package]} change its layout?")
        data = src.read_bytes()
        dest = Path(dest_rel)
        if dest.suffix in (".js", ".css"):
            data = handle_sourcemaps(src, dest, data, out)
        out[dest] = data
    out[Path(VERSIONS_FILE)] = (json.dumps(dict(sorted(versions.items())), indent=2) + "\n").encode()
    return out


def handle_sourcemaps(src: Path, dest: Path, data: bytes, out: dict[Path, bytes]) -> bytes:
    """Copy the .map files that `data` references, or strip the comment."""
    keep = True
    maps: list[tuple[Path, Path]] = []
    for _comment, url in sourcemap_refs(data):
        if not is_relative(url):  # data: URI (inline map) or absolute URL: Django skips these
            continue
        rel = url_path(url)
        map_src = (src.parent / rel).resolve()
        map_dest = Path(dest.parent, rel)
        # Only keep maps that sit beside the file (or below it) in the package.
        if map_src.is_file() and not rel.startswith(("..", "/")) and ".." not in Path(rel).parts:
            maps.append((map_src, map_dest))
        else:
            keep = False
    if not keep:
        return strip_sourcemaps(data)
    for map_src, map_dest in maps:
        out[map_dest] = map_src.read_bytes()
    return data


def sync(files: dict[Path, bytes]) -> tuple[int, int, int]:
    """Write `files` under VENDOR; remove anything else there. Idempotent."""
    written = unchanged = removed = 0
    for rel, data in sorted(files.items()):
        path = VENDOR / rel
        if path.is_file() and path.read_bytes() == data:
            unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        written += 1
    wanted = {VENDOR / rel for rel in files}
    for path in sorted(VENDOR.rglob("*"), reverse=True):  # children before parents
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif path not in wanted:
            path.unlink()
            removed += 1
    return written, unchanged, removed


def verify() -> list[str]:
    """Check every reference ManifestStaticFilesStorage would follow resolves."""
    problems = []
    for path in sorted(VENDOR.rglob("*")):
        if path.suffix not in (".css", ".js") or not path.is_file():
            continue
        data = path.read_bytes()
        urls = [url for _c, url in sourcemap_refs(data)]
        if path.suffix == ".css":
            urls += [m.group("url").strip() for m in CSS_URL_RE.finditer(data)]
            urls += [m.group("url") for m in IMPORT_RE.finditer(data)]
        for url in urls:
            if not is_relative(url):
                continue
            target = (path.parent / url_path(url)).resolve()
            if not target.is_file():
                problems.append(f"{path.relative_to(ROOT)} references missing {url.decode()!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)

    if not NODE_MODULES.is_dir():
        print(
            f"error: {NODE_MODULES} does not exist.\nInstall the front-end packages first:  cd {ROOT} && npm ci",
            file=sys.stderr,
        )
        return 1
    try:
        files = plan()
    except AssetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    written, unchanged, removed = sync(files)
    problems = verify()
    if problems:
        print("error: broken references in the vendor tree:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(
            f"vendor assets in {VENDOR.relative_to(ROOT)}: {len(files)} files "
            f"({written} written, {unchanged} unchanged, {removed} stale removed)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
