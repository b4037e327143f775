"""The e2e harness checks itself: it sees pixels that were drawn, misses none that were not, catches
requests that leave the machine and console errors, and the offline assets it relies on are served."""

from __future__ import annotations

import csv
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from fontTools.ttLib import TTFont
from werkzeug.serving import make_server

from cockpit import static
from tests.e2e.browser import (
    AppServer,
    SessionFactory,
    assert_drew,
    count_colour,
    free_port,
)

pytestmark = pytest.mark.e2e

ORANGE = (255, 140, 0)
MAGENTA = (255, 0, 255)
RED = (255, 0, 0)

TRIANGLE_PAGE = """<!doctype html><html><body style="margin:0;background:#fff">
<canvas id="c" width="400" height="300" style="display:block"></canvas>
<script>
const gl = document.getElementById('c').getContext('webgl2');
const compile = (type, src) => { const s = gl.createShader(type); gl.shaderSource(s, src);
  gl.compileShader(s); return s; };
const prog = gl.createProgram();
gl.attachShader(prog, compile(gl.VERTEX_SHADER, `#version 300 es
in vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }`));
gl.attachShader(prog, compile(gl.FRAGMENT_SHADER, `#version 300 es
precision mediump float; out vec4 colour;
void main() { colour = vec4(1.0, 140.0 / 255.0, 0.0, 1.0); }`));
gl.linkProgram(prog); gl.useProgram(prog);
gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-0.8, -0.8, 0.8, -0.8, 0.0, 0.8]), gl.STATIC_DRAW);
const loc = gl.getAttribLocation(prog, 'p');
gl.enableVertexAttribArray(loc); gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
gl.clearColor(0.0, 0.0, 0.0, 1.0); gl.clear(gl.COLOR_BUFFER_BIT);
gl.drawArrays(gl.TRIANGLES, 0, 3);
</script></body></html>"""

BLANK_PAGE = """<!doctype html><html><body style="margin:0;background:#fff">
<canvas id="c" width="400" height="300" style="display:block"></canvas>
<script>document.getElementById('c').getContext('webgl2');</script></body></html>"""

EXTERNAL_PAGE = """<!doctype html><html><body>
<img src="https://tile.example.org/0/0/0.png" alt="">
<script>window.fetchResult = fetch('https://example.com/logo.png').then(() => 'loaded', () => 'failed');</script>
</body></html>"""

CONSOLE_PAGE = """<!doctype html><html><body><script>
console.error('selfcheck: something broke');
console.warn('GPU stall due to ReadPixels');
console.error('[.WebGL-0x1234]GL Driver Message (OpenGL, Performance, GL_CLOSE_PATH_NV, High): '
              + 'GPU stall due to ReadPixels');
console.log('an ordinary log line');
</script></body></html>"""

FONT_PAGE = """<!doctype html><html><head><link rel="stylesheet" href="/fonts/fonts.css"></head>
<body></body></html>"""

PAGES = {
    "/triangle.html": TRIANGLE_PAGE,
    "/blank.html": BLANK_PAGE,
    "/external.html": EXTERNAL_PAGE,
    "/console.html": CONSOLE_PAGE,
}


class _PageHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGES.get(self.path)
        if body is None:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output quiet
        pass


@pytest.fixture(scope="module")
def pages_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_wsgi(app: Any, port: int = 0) -> Iterator[str]:
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


# -- drawing ------------------------------------------------------------------------------------------
def test_webgl_triangle_is_seen(browser_factory: SessionFactory, pages_url: str) -> None:
    browser = browser_factory(pages_url)
    browser.goto("/triangle.html")
    assert browser.wait_for_frames(1, timeout=20) >= 1
    shot = browser.screenshot("selfcheck-triangle")
    box = browser.page.locator("#c").bounding_box()
    assert box is not None

    counts = assert_drew(shot, {"triangle": (ORANGE, 20_000), "clear colour": ((0, 0, 0), 20_000)}, box)

    # A 320×240 px triangle covers ~38,400 px; antialiased edge pixels fall outside the tolerance.
    assert 30_000 < counts["triangle"] < 40_000
    assert count_colour(shot, ORANGE, box=(0, 0, 40, 40)) == 0  # box crops: that corner is black
    browser.assert_clean()


def test_blank_canvas_fails_assert_drew(browser_factory: SessionFactory, pages_url: str) -> None:
    browser = browser_factory(pages_url)
    browser.goto("/blank.html")
    shot = browser.screenshot("selfcheck-blank")
    box = browser.page.locator("#c").bounding_box()

    with pytest.raises(AssertionError, match=r"triangle: expected >= 100 px of rgb\(255, 140, 0\).*found 0"):
        assert_drew(shot, {"triangle": (ORANGE, 100)}, box)
    with pytest.raises(AssertionError, match="WebGL draw calls"):
        browser.wait_for_frames(1, timeout=1)
    browser.assert_clean()


# -- offline guard and console --------------------------------------------------------------------------
def test_internet_requests_are_aborted_and_recorded(browser_factory: SessionFactory, pages_url: str) -> None:
    browser = browser_factory(pages_url)
    browser.goto("/external.html")

    assert browser.page.evaluate("() => window.fetchResult") == "failed"
    assert "https://example.com/logo.png" in browser.external_requests
    assert "https://tile.example.org/0/0/0.png" in browser.external_requests
    with pytest.raises(AssertionError, match=r"(?s)leave the machine.*https://example\.com/logo\.png"):
        browser.assert_clean()


def test_console_errors_are_recorded_and_known_noise_ignored(
    browser_factory: SessionFactory, pages_url: str
) -> None:
    browser = browser_factory(pages_url)
    browser.goto("/console.html")
    browser.wait(0.2)  # console events arrive asynchronously

    assert len(browser.console_errors) == 1
    assert browser.console_errors[0].startswith("console.error: selfcheck: something broke")
    assert f"{pages_url}/console.html" in browser.console_errors[0]
    with pytest.raises(AssertionError, match="something broke"):
        browser.assert_clean()


# -- pixel helpers ----------------------------------------------------------------------------------
def test_hue_matching_counts_shaded_faces_that_rgb_matching_misses() -> None:
    # Three faces of an extruded orange box under deck.gl lighting: same hue, different brightness.
    image = np.zeros((10, 30, 3), dtype=np.uint8)
    image[:, :10] = (255, 140, 0)
    image[:, 10:20] = (179, 98, 0)
    image[:, 20:] = (110, 60, 2)

    assert count_colour(image, ORANGE, tolerance=20) == 100
    assert count_colour(image, ORANGE, match="hue") == 300
    assert count_colour(image, MAGENTA, match="hue") == 0
    with pytest.raises(ValueError, match="grey"):
        count_colour(image, (128, 128, 128), match="hue")


# -- app server ---------------------------------------------------------------------------------------
HEALTHZ_SERVER = """
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404); self.end_headers()
        self.wfile.write(b'{"status": "ok"}')
print("serving", flush=True)
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def test_app_server_waits_for_healthz_and_stops(tmp_path: Path) -> None:
    port = free_port()
    server = AppServer([sys.executable, "-c", HEALTHZ_SERVER, str(port)], port, timeout=20,
                       name="selfcheck-ok", artifacts=tmp_path)
    with server:
        process = server.process
        assert process is not None and process.poll() is None
        assert server.base_url == f"http://127.0.0.1:{port}"
    assert process.poll() is not None
    assert "serving" in server.log_path.read_text()


def test_app_server_reports_a_crash_with_its_log(tmp_path: Path) -> None:
    port = free_port()
    crash = "import sys; print('cannot open the database'); sys.exit(3)"
    with pytest.raises(RuntimeError, match=r"(?s)exited with 3.*cannot open the database"):
        AppServer([sys.executable, "-c", crash], port, timeout=20, name="selfcheck-crash",
                  artifacts=tmp_path).start()


# -- offline assets: workers and font -------------------------------------------------------------------
@pytest.fixture
def static_client() -> Any:
    app = Flask("selfcheck")
    static.register_static_routes(app)
    return app.test_client()


@pytest.mark.parametrize("path", [
    f"{static.WORKER_URL_PREFIX}/mvt-worker.js",
    f"{static.WORKER_URL_PREFIX}/terrain-worker.js",
    "/workers/mvt-worker.js",
])
def test_workers_are_served_as_javascript(static_client: Any, path: str) -> None:
    response = static_client.get(path)

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.data == (static.WORKERS_DIR / Path(path).name).read_bytes()
    assert "max-age" in response.headers["Cache-Control"] or "no-cache" in response.headers["Cache-Control"]
    assert static_client.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("path", [
    "/workers/README.js", "/workers/quantized-mesh-worker.js", f"{static.WORKER_URL_PREFIX}/LICENSE.mvt",
    "/fonts/README.md", "/fonts/..%2Fvendor%2Floaders.gl-4.4.3%2FLICENSE.mvt",
])
def test_static_routes_serve_nothing_else(static_client: Any, path: str) -> None:
    assert static_client.get(path).status_code == 404


def test_font_files_are_served(static_client: Any) -> None:
    font = static_client.get(f"/fonts/{static.FONT_FILE}")
    css = static_client.get("/fonts/fonts.css")

    assert (font.status_code, font.mimetype) == (200, "font/woff2")
    assert font.data[:4] == b"wOF2"
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert f'font-family: "{static.FONT_FAMILY}"' in css.text and "font-display: block" in css.text
    assert static_client.get("/fonts/OFL.txt").status_code == 200


def test_font_subset_covers_place_names() -> None:
    cmap = TTFont(static.FONTS_DIR / static.FONT_FILE)["cmap"].getBestCmap()
    reference = Path(__file__).resolve().parents[2] / "geodata" / "reference"
    names = {row["name"] for path in reference.glob("*.csv")
             for row in csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())}
    gb2312_level1 = {bytes([lead, trail]).decode("gb2312")
                     for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF)
                     if (lead, trail) < (0xD7, 0xFA)}

    assert all(ord(ch) in cmap for ch in "新昌澄潭沃洲剡，。、（）：；０１Ａ")
    assert not [ch for name in names for ch in name if ord(ch) not in cmap]
    assert len(gb2312_level1) == 3755 and all(ord(ch) in cmap for ch in gb2312_level1)


def test_label_character_set() -> None:
    chars = static.label_character_set(["新昌县", "澄潭街道 3号"])

    assert chars == sorted(set(chars))
    assert {"新", "昌", "县", "澄", "潭", "街", "道", " ", "号", "0", "9", "a", "Z"} <= set(chars)


def test_dash_auto_loads_the_font_css_but_no_worker() -> None:
    from dash import Dash, html

    app = Dash("selfcheck_assets", assets_folder=str(static.ASSETS_DIR), assets_ignore=static.ASSETS_IGNORE)
    app.layout = html.Div()
    index = app.server.test_client().get("/").text

    assert "/assets/fonts/fonts.css" in index
    assert "worker" not in index


def test_font_loads_in_chromium(browser_factory: SessionFactory) -> None:
    app = Flask("selfcheck_font")
    static.register_static_routes(app)
    app.add_url_rule("/", "index", lambda: FONT_PAGE)
    with serve_wsgi(app) as base:
        browser = browser_factory(base)
        browser.goto("/")
        loaded = browser.page.evaluate(
            """async (family) => {
                 const faces = await document.fonts.load(`32px "${family}"`, '新昌县澄潭');
                 return faces.map(f => f.status);
               }""",
            static.FONT_FAMILY,
        )
        assert loaded == ["loaded"]  # Chromium's font sanitiser accepted the subset
        browser.assert_clean()


def test_dash_page_has_the_font_ready(browser_factory: SessionFactory) -> None:
    from dash import Dash, html

    app = Dash("selfcheck_font_dash", assets_folder=str(static.ASSETS_DIR), assets_ignore=static.ASSETS_IGNORE)
    app.layout = html.Div("新昌县", id="label")
    with serve_wsgi(app.server) as base:
        browser = browser_factory(base)
        browser.goto("/")

        assert browser.page.evaluate("() => window.cockpitFontReady") is True
        # document.fonts.check() would also be true for a family nobody declared; the face's status is not
        statuses = browser.page.evaluate(
            "(family) => [...document.fonts].filter(f => f.family.replaceAll('\"', '') === family)"
            ".map(f => f.status)",
            static.FONT_FAMILY,
        )
        assert statuses == ["loaded"]
        browser.assert_clean()


# -- the vendored workers in deck.gl: tiles decode offline ---------------------------------------------
LON, LAT = 120.90, 29.50


def _tile_app(load_options: dict[str, Any] | None) -> Any:
    import io
    import math

    import mapbox_vector_tile
    from dash import Dash, html
    from deckgl_dash import DeckGL
    from flask import Response
    from PIL import Image

    extra = {"loadOptions": load_options} if load_options is not None else {}
    layers = [
        {"@@type": "MVTLayer", "id": "mvt", "data": "/tiles/{z}/{x}/{y}.mvt", "maxZoom": 14,
         "extent": [LON - 0.2, LAT - 0.2, LON, LAT + 0.2], "getFillColor": [*MAGENTA, 255], **extra},
        {"@@type": "TerrainLayer", "id": "terrain", "elevationData": "/terrain/{z}/{x}/{y}.png", "maxZoom": 12,
         "extent": [LON + 0.01, LAT - 0.2, LON + 0.2, LAT + 0.2], "color": list(RED), "meshMaxError": 10,
         "elevationDecoder": {"rScaler": 256, "gScaler": 1, "bScaler": 1 / 256, "offset": -32768}, **extra},
    ]
    app = Dash("selfcheck_tiles", assets_folder=str(static.ASSETS_DIR), assets_ignore=static.ASSETS_IGNORE)
    static.register_static_routes(app.server)
    view = {"longitude": LON, "latitude": LAT, "zoom": 10.5, "pitch": 0, "bearing": 0}
    app.layout = html.Div(DeckGL(id="map", layers=layers, initial_view_state=view, style={"height": "600px"}),
                          style={"position": "relative", "height": "600px"})

    square = "POLYGON((512 512, 3584 512, 3584 3584, 512 3584, 512 512))"
    mvt = mapbox_vector_tile.encode([{"name": "t", "features": [{"geometry": square, "properties": {}}]}],
                                    default_options={"y_coord_down": True})
    heights = [[300 + 300 * math.sin(i / 20) * math.cos(j / 25) for i in range(256)] for j in range(256)]
    image = Image.new("RGB", (256, 256))
    image.putdata([(int(h + 32768) >> 8, int(h + 32768) & 255, 0) for row in heights for h in row])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    png = buffer.getvalue()
    app.server.add_url_rule("/tiles/<int:z>/<int:x>/<int:y>.mvt", "mvt",
                            lambda z, x, y: Response(mvt, mimetype="application/vnd.mapbox-vector-tile"))
    app.server.add_url_rule("/terrain/<int:z>/<int:x>/<int:y>.png", "terrain",
                            lambda z, x, y: Response(png, mimetype="image/png"))
    return app.server


@pytest.mark.parametrize("variant", ["root-relative", "absolute"])
def test_vendored_workers_decode_tiles_offline(browser_factory: SessionFactory, variant: str) -> None:
    port = free_port()
    options = static.WORKER_LOAD_OPTIONS if variant == "root-relative" else static.worker_load_options(
        origin=f"http://127.0.0.1:{port}")
    with serve_wsgi(_tile_app(options), port) as base:
        browser = browser_factory(base)
        browser.goto("/")
        browser.wait_for_frames(1, timeout=60)
        browser.wait_for_quiet(1000, timeout=60)
        shot = browser.screenshot(f"selfcheck-workers-{variant}")

        assert_drew(shot, {"mvt (magenta)": (MAGENTA, 20_000),
                           "terrain (lit red)": (RED, 20_000, {"match": "hue"})})
        browser.assert_clean()


def test_worker_requests_are_caught_by_the_offline_guard(browser_factory: SessionFactory) -> None:
    # Without loadOptions loaders.gl asks unpkg.com for the workers, from inside a Worker.
    with serve_wsgi(_tile_app(None)) as base:
        browser = browser_factory(base)
        browser.goto("/")
        for _ in range(100):
            if browser.external_requests:
                break
            browser.wait(0.1)

        assert any(url.startswith("https://unpkg.com/@loaders.gl/") for url in browser.external_requests)
        with pytest.raises(AssertionError):
            browser.assert_clean()
