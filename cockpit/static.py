"""Static files the browser needs outside Dash's page-script loading: loaders.gl workers and the font.

loaders.gl (inside deckgl-dash's deck.gl bundle) parses MVT and terrain tiles in Web Workers and, unless
told otherwise, fetches the worker scripts from a public CDN — which fails offline and would leak requests.
The workers are vendored under ``assets/vendor/loaders.gl-<version>/`` and served here; layers point at
them through ``loadOptions``.

Worker URL finding (Chromium 156, deck.gl 9.3.5, loaders.gl 4.4.3; proven by
tests/e2e/test_harness_selfcheck.py): loaders.gl creates the worker directly with ``new Worker(url)`` when
the URL does not start with ``http`` and wraps only ``http…`` URLs in a ``blob:`` script that calls
``importScripts(url)``. So a root-relative path ("/workers/…") works from the same origin and is what
``WORKER_LOAD_OPTIONS`` uses; an absolute URL also works (see ``worker_load_options(origin=…)``) and is
only needed when the workers live on another origin. A path relative to the page ("workers/…") would
resolve against the current page path and break on nested pages, hence the leading slash.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from pathlib import Path

import flask

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"

LOADERS_GL_VERSION = "4.4.3"
WORKERS_DIR = ASSETS_DIR / "vendor" / f"loaders.gl-{LOADERS_GL_VERSION}"
# loader id → worker file (the loader id is the key loaders.gl looks up in loadOptions)
WORKER_FILES = {"mvt": "mvt-worker.js", "terrain": "terrain-worker.js"}
# The version is in the path so the files can be cached for good: a loaders.gl upgrade changes the URL
# instead of leaving browsers with a worker that speaks another message protocol than the bundle.
WORKER_URL_PREFIX = f"/workers/loaders.gl-{LOADERS_GL_VERSION}"

FONTS_DIR = ASSETS_DIR / "fonts"
FONT_FAMILY = "Cockpit Sans"
FONT_FILE = "NotoSansSC-cockpit.woff2"
FONT_URL_PREFIX = "/fonts"
# fonts.css refers to the woff2 by a relative URL, so it works both from /assets/fonts/ (Dash's own
# auto-load) and from /fonts/ (pages that are not Dash pages, such as a plain login form).
_FONT_FILES = {
    FONT_FILE: "font/woff2",
    "fonts.css": "text/css; charset=utf-8",
    "OFL.txt": "text/plain; charset=utf-8",
    "preload-font.js": "text/javascript; charset=utf-8",
}

# Dash matches ``assets_ignore`` against the bare file name (not the path below assets/) and loads every
# remaining name ending in "js" as a classic page script. Excluded: Web Worker scripts (they would run in
# the page and break it), ES/CommonJS modules (not loadable as classic scripts) and files that opt out
# by name (``*.lazy.js`` / ``*.lazy.css``, for things a page loads itself).
ASSETS_IGNORE = r"(?:[-_.]worker\.[cm]?js|\.[cm]js|\.lazy\.(?:js|css))$"
# For Dash(assets_path_ignore=…): vendored third-party files are never page scripts by default; they are
# served on request only. Matched against each directory name below assets/.
ASSETS_PATH_IGNORE = [r"^vendor$"]

_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"  # unversioned names: cache, but ask for changes (ETag) before use


def worker_load_options(origin: str = "", prefix: str = "") -> dict[str, dict[str, str]]:
    """``loadOptions`` for MVTLayer/TerrainLayer (and any layer whose sublayers load such tiles).

    ``prefix`` is the app's ``requests_pathname_prefix`` without the trailing slash when the app is
    mounted below "/"; ``origin`` ("http://host:port") is needed only if the workers are served from
    another origin than the page.
    """
    base = f"{origin.rstrip('/')}{prefix.rstrip('/')}{WORKER_URL_PREFIX}"
    return {loader: {"workerUrl": f"{base}/{name}"} for loader, name in WORKER_FILES.items()}


WORKER_LOAD_OPTIONS: dict[str, dict[str, str]] = worker_load_options()


def label_character_set(texts: Iterable[str]) -> list[str]:
    """Characters for deck.gl TextLayer ``characterSet``: the labels' own plus ASCII digits and letters.

    TextLayer builds its glyph atlas from ``characterSet`` only (default: ASCII), so Chinese labels
    render as blanks unless every character is listed; digits and letters are always added so that
    numbers and codes appended to labels later do not need a new atlas.
    """
    chars = set(string.digits + string.ascii_letters)
    for text in texts:
        chars.update(ch for ch in text if ch.isprintable())
    return sorted(chars)


def register_static_routes(server: flask.Flask) -> None:
    """Serve the vendored workers and the font subset; nothing else from those folders."""
    names = "|".join(re.escape(Path(n).stem) for n in WORKER_FILES.values())
    worker_name = re.compile(rf"^(?:{names})$")

    def worker(name: str) -> flask.Response:
        if not worker_name.match(name):
            flask.abort(404)
        return _send(WORKERS_DIR / f"{name}.js", "text/javascript; charset=utf-8", _IMMUTABLE)

    def worker_unversioned(name: str) -> flask.Response:
        if not worker_name.match(name):
            flask.abort(404)
        return _send(WORKERS_DIR / f"{name}.js", "text/javascript; charset=utf-8", _REVALIDATE)

    def font(name: str) -> flask.Response:
        mimetype = _FONT_FILES.get(name)
        if mimetype is None:
            flask.abort(404)
        return _send(FONTS_DIR / name, mimetype, _REVALIDATE)

    server.add_url_rule(f"{WORKER_URL_PREFIX}/<name>.js", "cockpit_worker", worker, methods=["GET"])
    # Stable short path for hand-written layer specs; revalidated because it does not carry the version.
    server.add_url_rule("/workers/<name>.js", "cockpit_worker_latest", worker_unversioned, methods=["GET"])
    server.add_url_rule(f"{FONT_URL_PREFIX}/<name>", "cockpit_font", font, methods=["GET"])


def _send(path: Path, mimetype: str, cache_control: str) -> flask.Response:
    if not path.is_file():
        flask.abort(404)  # e.g. the font subset was not built on this checkout
    response = flask.send_file(path, mimetype=mimetype, etag=True, conditional=True)
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

