"""Shared end-to-end harness: offline headless Chromium, draw-call counting, pixel checks, app server.

Every e2e test drives the real Debian Chromium through Playwright with software WebGL2 (SwiftShader),
fails on any browser console error and on any request that would leave the machine (DESIGN.md,
convention 8), and decides "did the map draw" from screenshots by counting pixels of each layer's
distinctive colour.
"""

from __future__ import annotations

import colorsys
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, urljoin, urlsplit

import numpy as np
from PIL import Image
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Playwright, Route, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ARTIFACTS = ROOT / "test-artifacts" / "screenshots"

CHROMIUM_FLAGS: tuple[str, ...] = (
    # Software WebGL2: test machines have no GPU; SwiftShader through ANGLE is the renderer Chromium
    # still allows when explicitly unlocked.
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--ignore-gpu-blocklist",
    "--disable-gpu",
    "--no-sandbox",  # runs as root in containers
    # Nothing the browser does on its own may reach the network or make timings noisy.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Offline guards below the request routing: whatever slips past it (e.g. a request Playwright
    # cannot see) goes to a dead proxy and cannot resolve a name. Loopback stays reachable.
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)

# Console errors that are not faults of the page under test.
HARMLESS_CONSOLE = (
    # SwiftShader reports picking's readPixels as a stall; it is a performance note, not an error.
    re.compile(r"GPU stall due to ReadPixels"),
)

_LOCAL_SCHEMES = ("data:", "blob:", "about:")

# Counts WebGL draw calls of every context on the page by wrapping the context prototypes before any
# page script runs. Time stamps let tests wait for the scene to settle after the last tile arrived.
DRAW_COUNTER_JS = """
(() => {
  if (globalThis.__cockpitDraws) return;
  const stats = globalThis.__cockpitDraws = {calls: 0, maxInstances: 0, first: 0, last: 0};
  const note = (instances) => {
    const now = performance.now();
    if (!stats.calls) stats.first = now;
    stats.calls += 1;
    stats.last = now;
    if (instances > stats.maxInstances) stats.maxInstances = instances;
  };
  const wrap = (target, name, instanceArg) => {
    const original = target && target[name];
    if (typeof original !== 'function' || original.__cockpitWrapped) return;
    const wrapped = function (...args) {
      note(instanceArg === null ? 1 : Number(args[instanceArg]) || 0);
      return original.apply(this, args);
    };
    wrapped.__cockpitWrapped = true;
    target[name] = wrapped;
  };
  const methods = [['drawArrays', null], ['drawElements', null], ['drawRangeElements', null],
                   ['drawArraysInstanced', 3], ['drawElementsInstanced', 4]];
  for (const ctor of [globalThis.WebGL2RenderingContext, globalThis.WebGLRenderingContext]) {
    if (!ctor) continue;
    for (const [name, arg] of methods) wrap(ctor.prototype, name, arg);
  }
  // WebGL1 instancing lives on an extension object, created lazily per context.
  const proto = globalThis.WebGLRenderingContext && globalThis.WebGLRenderingContext.prototype;
  if (proto) {
    const getExtension = proto.getExtension;
    proto.getExtension = function (name) {
      const ext = getExtension.call(this, name);
      if (ext && name === 'ANGLE_instanced_arrays') {
        wrap(ext, 'drawArraysInstancedANGLE', 3);
        wrap(ext, 'drawElementsInstancedANGLE', 4);
      }
      return ext;
    };
  }
})();
"""


def artifacts_dir() -> Path:
    path = Path(os.environ.get("COCKPIT_E2E_ARTIFACTS") or DEFAULT_ARTIFACTS)
    path.mkdir(parents=True, exist_ok=True)
    return path


def chromium_path() -> str:
    # Playwright cannot download its own browser here; the Debian package is the browser under test.
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("chromium not found on PATH (Debian package 'chromium')")
    return path


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "shot"


class BrowserSession:
    """One offline Chromium with a fresh profile, one page, and a record of what went wrong.

    Requests to ``base_url``'s origin (plus data:, blob:, about:) go through; everything else is
    aborted and listed in ``external_requests``. Console errors and uncaught page errors are listed in
    ``console_errors``. ``assert_clean()`` turns both into a test failure.
    """

    def __init__(
        self,
        base_url: str,
        *,
        viewport: tuple[int, int] = (1280, 800),
        device_scale_factor: float = 1,
        extra_origins: Sequence[str] = (),
        ignore_console: Sequence[re.Pattern[str]] = HARMLESS_CONSOLE,
        artifacts: Path | None = None,
        default_timeout_ms: float = 30_000,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.origins = {_origin(base_url), *(_origin(o) for o in extra_origins)}
        self.viewport = viewport
        self.device_scale_factor = device_scale_factor
        self.ignore_console = tuple(ignore_console)
        self.artifacts = artifacts
        self.default_timeout_ms = default_timeout_ms
        self.external_requests: list[str] = []
        self.console_errors: list[str] = []
        self._playwright: Playwright | None = None
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._profile: tempfile.TemporaryDirectory[str] | None = None

    # -- life cycle ------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="cockpit-chromium-")
        self._playwright = sync_playwright().start()
        try:
            width, height = self.viewport
            self._context = self._playwright.chromium.launch_persistent_context(
                self._profile.name,
                executable_path=chromium_path(),
                headless=True,
                args=list(CHROMIUM_FLAGS),
                viewport={"width": width, "height": height},
                device_scale_factor=self.device_scale_factor,
                service_workers="block",  # a service worker could answer requests the router never sees
            )
            self._context.set_default_timeout(self.default_timeout_ms)
            self._context.add_init_script(DRAW_COUNTER_JS)
            self._context.route("**/*", self._route)
            self._page = self._context.pages[0] if self._context.pages else self._context.new_page()
            self._page.on("console", self._on_console)
            self._page.on("pageerror", lambda error: self._record_error(f"pageerror: {error}"))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._context is not None:
            try:
                self._context.close()
            finally:
                self._context = None
                self._page = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None
        if self._profile is not None:
            self._profile.cleanup()
            self._profile = None

    # -- request and console recording -----------------------------------------------------------
    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(_LOCAL_SCHEMES) or self._is_app_url(url):
            route.continue_()
            return
        self.external_requests.append(url)
        route.abort("blockedbyclient")

    def _is_app_url(self, url: str) -> bool:
        try:
            return _origin(url) in self.origins
        except ValueError:
            return False

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        location = message.location or {}
        where = location.get("url", "")
        line = location.get("lineNumber")
        suffix = f" ({where}:{line})" if where else ""
        self._record_error(f"console.error: {message.text}{suffix}")

    def _record_error(self, text: str) -> None:
        if any(pattern.search(text) for pattern in self.ignore_console):
            return
        self.console_errors.append(text)

    # -- page helpers ----------------------------------------------------------------------------
    @property
    def page(self) -> Page:
        if self._page is None:
            raise RuntimeError("BrowserSession is not started")
        return self._page

    def url(self, path: str = "") -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    def goto(self, path: str = "/", *, wait_until: str = "load", timeout_ms: float | None = None) -> None:
        response = self.page.goto(
            self.url(path),
            wait_until=wait_until,  # type: ignore[arg-type]
            timeout=timeout_ms if timeout_ms is not None else self.default_timeout_ms,
        )
        if response is not None and response.status >= 400:
            raise AssertionError(f"GET {response.url} answered {response.status}")

    def sign_in(self, username: str, password: str, *, next_path: str = "/") -> None:
        """Fill the cockpit's login form like a person and wait for the page it leads to."""
        self.goto(f"/login?next={quote(next_path, safe='')}")
        self.page.fill("#login-username", username)
        self.page.fill("#login-password", password)
        with self.page.expect_navigation():
            self.page.click("#login-submit")
        if "/login" in urlsplit(self.page.url).path:
            error = self.page.locator("#login-error")
            raise AssertionError(f"sign-in as {username} failed: "
                                 f"{error.inner_text() if error.count() else self.page.url}")

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        path = (self.artifacts or artifacts_dir()) / f"{_safe_name(name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        return path

    def draw_stats(self) -> dict[str, float]:
        stats = self.page.evaluate("() => globalThis.__cockpitDraws || null")
        return dict(stats) if stats else {"calls": 0, "maxInstances": 0, "first": 0, "last": 0}

    def wait_for_frames(self, min_draw_calls: int = 1, timeout: float = 30.0) -> int:
        """Wait until the page has issued at least ``min_draw_calls`` WebGL draw calls; return the count."""
        try:
            self.page.wait_for_function(
                "(n) => (globalThis.__cockpitDraws || {calls: 0}).calls >= n",
                arg=min_draw_calls,
                timeout=timeout * 1000,
                polling=100,
            )
        except Exception as error:  # Playwright's TimeoutError; report what the page did instead
            calls = self.draw_stats()["calls"]
            raise AssertionError(
                f"expected >= {min_draw_calls} WebGL draw calls within {timeout:.0f}s, saw {calls:.0f}"
                + self._problems_suffix()
            ) from error
        return int(self.draw_stats()["calls"])

    def wait_for_quiet(self, quiet_ms: float = 750, timeout: float = 30.0) -> int:
        """Wait until no draw call happened for ``quiet_ms`` (tiles loaded, transitions over)."""
        try:
            self.page.wait_for_function(
                "(q) => { const s = globalThis.__cockpitDraws;"
                " return !!s && s.calls > 0 && performance.now() - s.last >= q; }",
                arg=quiet_ms,
                timeout=timeout * 1000,
                polling=100,
            )
        except Exception as error:
            raise AssertionError(
                f"the page kept drawing (or never drew) for {timeout:.0f}s: {self.draw_stats()}"
                + self._problems_suffix()
            ) from error
        return int(self.draw_stats()["calls"])

    def wait(self, seconds: float) -> None:
        # time.sleep would also stall the request router, which runs on this thread.
        self.page.wait_for_timeout(seconds * 1000)

    def assert_clean(self) -> None:
        problems = []
        if self.external_requests:
            problems.append("requests that would leave the machine (aborted):")
            problems += [f"  {url}" for url in self.external_requests]
        if self.console_errors:
            problems.append("browser console errors:")
            problems += [f"  {text}" for text in self.console_errors]
        if problems:
            raise AssertionError("\n".join(problems))

    def _problems_suffix(self) -> str:
        lines = [f"\n  external: {url}" for url in self.external_requests[:10]]
        lines += [f"\n  console: {text}" for text in self.console_errors[:10]]
        return "".join(lines)


# -- pixel checks ------------------------------------------------------------------------------------
RGB = tuple[int, int, int]
Box = Mapping[str, Any] | tuple[float, float, float, float]  # Mapping: Playwright's bounding_box()


def _pixels(png: Path | str | np.ndarray, box: Box | None) -> np.ndarray:
    """RGB uint8 array of the image, cropped to ``box`` ({x, y, width, height} or (x, y, w, h))."""
    if isinstance(png, np.ndarray):
        array = png[..., :3]
    else:
        with Image.open(png) as image:
            array = np.asarray(image.convert("RGB"))
    if box is None:
        return array
    if isinstance(box, Mapping):
        x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    else:
        x, y, w, h = box
    x0, y0 = max(round(x), 0), max(round(y), 0)
    return array[y0 : round(y + h), x0 : round(x + w)]


def _hsv(array: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rgb = array.astype(np.float32) / 255.0
    top, bottom = rgb.max(axis=2), rgb.min(axis=2)
    spread = top - bottom
    saturation = np.where(top > 0, spread / np.maximum(top, 1e-6), 0.0)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    safe = np.maximum(spread, 1e-6)
    hue = np.select(
        [spread <= 1e-6, top == r, top == g],
        [0.0, ((g - b) / safe) % 6.0, (b - r) / safe + 2.0],
        default=(r - g) / safe + 4.0,
    ) * 60.0
    return hue, saturation, top


def colour_mask(
    png: Path | str | np.ndarray,
    rgb: RGB,
    tolerance: int = 24,
    box: Box | None = None,
    *,
    match: str = "rgb",
    hue_tolerance: float = 12.0,
    min_saturation: float = 0.35,
    min_value: float = 0.15,
) -> np.ndarray:
    """Boolean mask of the pixels that show ``rgb``.

    ``match="rgb"``: every channel within ``tolerance`` of the target — for flat fills, where only
    antialiased edges deviate (and simply do not count). ``match="hue"``: same hue within
    ``hue_tolerance`` degrees and saturated/bright enough — for lit, extruded or semi-transparent
    surfaces whose brightness varies across faces while the hue stays put.
    """
    array = _pixels(png, box)
    if match == "rgb":
        diff = np.abs(array.astype(np.int16) - np.asarray(rgb, dtype=np.int16))
        return np.asarray(diff.max(axis=2) <= tolerance)
    if match == "hue":
        target_hue, target_sat, _ = colorsys.rgb_to_hsv(*(channel / 255.0 for channel in rgb))
        if target_sat < min_saturation:
            raise ValueError(f"hue matching needs a saturated target colour, {rgb} is nearly grey")
        hue, saturation, value = _hsv(array)
        distance = np.abs(hue - target_hue * 360.0)
        distance = np.minimum(distance, 360.0 - distance)
        return np.asarray((distance <= hue_tolerance) & (saturation >= min_saturation) & (value >= min_value))
    raise ValueError(f"match must be 'rgb' or 'hue', not {match!r}")


def count_colour(
    png: Path | str | np.ndarray, rgb: RGB, tolerance: int = 24, box: Box | None = None, **options: Any
) -> int:
    return int(colour_mask(png, rgb, tolerance, box, **options).sum())


Expectation = tuple[RGB, int] | tuple[RGB, int, Mapping[str, Any]]


def assert_drew(
    png: Path | str,
    expected: Mapping[str, Expectation],
    box: Box | None = None,
    *,
    tolerance: int = 24,
    match: str = "rgb",
) -> dict[str, int]:
    """Fail unless each label's colour covers at least its minimum pixel count; return the counts.

    ``expected`` maps a label to ``(rgb, min_pixels)`` or ``(rgb, min_pixels, options)`` where options
    override ``tolerance``/``match``/``hue_tolerance``… for that label.
    """
    array = _pixels(png, box)
    counts: dict[str, int] = {}
    failures: list[str] = []
    for label, expectation in expected.items():
        rgb, minimum = expectation[0], expectation[1]
        options: dict[str, Any] = {"tolerance": tolerance, "match": match}
        if len(expectation) == 3:
            options.update(expectation[2])
        tol = options.pop("tolerance")
        counts[label] = count_colour(array, rgb, tol, None, **options)
        if counts[label] < minimum:
            failures.append(
                f"  {label}: expected >= {minimum} px of rgb{tuple(rgb)} "
                f"({options['match']}, tolerance {tol}), found {counts[label]}"
            )
    if failures:
        raise AssertionError(
            f"{png}: layers missing from the picture"
            + (f" (box {dict(box) if isinstance(box, Mapping) else box})" if box is not None else "")
            + "\n"
            + "\n".join(failures)
            + f"\n  most common colours there: {dominant_colours(array)}"
        )
    return counts


def dominant_colours(png: Path | str | np.ndarray, top: int = 6, box: Box | None = None) -> list[str]:
    """The most frequent colours (quantised to steps of 8), for failure messages."""
    array = _pixels(png, box).reshape(-1, 3) // 8 * 8
    if array.size == 0:
        return []
    colours, counts = np.unique(array, axis=0, return_counts=True)
    order = np.argsort(counts)[::-1][:top]
    total = counts.sum()
    return [f"rgb{tuple(int(c) for c in colours[i])} {100 * counts[i] / total:.1f}%" for i in order]


# -- app server ---------------------------------------------------------------------------------------
def free_port() -> int:
    """A TCP port free right now on loopback (another process may take it before use; rare in tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AppServer:
    """Run the app (or any HTTP server) as a subprocess until ``GET health_path`` answers 200.

    Output goes to ``<artifacts>/logs/<name>.log``; start-up failures quote its last lines.
    """

    def __init__(
        self,
        command: Sequence[str],
        port: int,
        *,
        host: str = "127.0.0.1",
        env: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
        health_path: str = "/healthz",
        timeout: float = 120.0,
        name: str = "app-server",
        artifacts: Path | None = None,
    ) -> None:
        self.command = list(command)
        self.port = port
        self.host = host
        self.env = dict(env) if env is not None else dict(os.environ)
        self.cwd = Path(cwd) if cwd is not None else ROOT
        self.health_path = health_path
        self.timeout = timeout
        self.log_path = (artifacts or artifacts_dir()) / "logs" / f"{_safe_name(name)}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            # Own session, so stop() can end the server together with any helper processes it spawned.
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self) -> None:
        assert self.process is not None
        url = self.base_url + self.health_path
        deadline = time.monotonic() + self.timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise RuntimeError(f"{self.command} exited with {code} before {url} answered"
                                   + self._log_tail())
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback URL)
                    if response.status == 200:
                        return
                    last = f"HTTP {response.status}"
            except urllib.error.HTTPError as error:
                last = f"HTTP {error.code}: {error.read()[:300].decode('utf-8', 'replace')}"
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                last = f"{type(error).__name__}: {getattr(error, 'reason', error)}"
            time.sleep(0.25)
        raise RuntimeError(f"{url} not healthy after {self.timeout:.0f}s (last: {last})" + self._log_tail())

    def stop(self, grace: float = 10.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        self._signal_group(process, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            self._signal_group(process, signal.SIGKILL)
            process.wait(grace)

    @staticmethod
    def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):  # it ended between poll() and here
            os.killpg(process.pid, sig)  # the group id is the server's pid: start_new_session above

    def log_tail(self, lines: int = 40) -> str:
        try:
            with self.log_path.open("rb") as log:
                tail = deque(log, maxlen=lines)
        except FileNotFoundError:
            return ""
        return b"".join(tail).decode("utf-8", "replace")

    def _log_tail(self) -> str:
        tail = self.log_tail()
        return f"\n--- last lines of {self.log_path} ---\n{tail}" if tail else f"\n(no output in {self.log_path})"


SessionFactory = Callable[..., BrowserSession]
