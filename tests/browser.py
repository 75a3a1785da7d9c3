"""Drive the built book and JupyterLab in Debian's Chromium with Playwright (shared by tests/test_browser.py and
``make screenshots``).

Chromium comes from Debian (``make browser`` installs the ``chromium`` package and a CJK font) and Playwright drives
it through ``executable_path``; ``playwright install``, which downloads a browser, is never used. Chromium starts
with the flags that keep it off the network (no background networking, component updates or sync), and every page
goes through a route that refuses any request leaving 127.0.0.1 and records it.

    python tests/browser.py screenshots     # the README's two screenshots, from _build/html (make book first)
    python tests/browser.py audit           # what tests/test_browser.py checks on every page, with the counts
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("DLCOURSE_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]
# name: (page, width, height, what to centre in the view, if anything)
SCREENSHOTS = {"lesson.png": ("solutions/02-model-types/02-cnn.html", 1280, 900, "#hand-made-filters-on-a-digit img"),
               "phone.png": ("solutions/01-basics/02-activations.html", 390, 844, None)}
SCREENSHOT_DIR = ROOT / "book" / "screenshots"


def chromium_problem() -> str | None:
    """Why Chromium cannot be driven here (None when it can): the reason a browser test skips with."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python playwright is not installed (make install)"
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (make browser installs Debian's chromium package)"
    try:
        with launch() as browser:
            browser.new_page().set_content("<p>ok</p>")
    except Exception as exc:  # noqa: BLE001 - any failure to start is the reason to skip
        return f"Chromium at {CHROMIUM} cannot start here: {str(exc).splitlines()[0][:300]}"
    return None


@contextlib.contextmanager
def launch() -> Iterator:
    """A headless Chromium (Debian's, driven by Playwright), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()


class Watched:
    """A page whose off-host requests are refused and recorded, with its JavaScript errors and failed responses."""

    def __init__(self, browser, base: str, width: int, height: int = 900) -> None:
        self.host = urlsplit(base).netloc
        self.context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        self.page = self.context.new_page()
        self.off_host: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.context.route("**/*", self._route)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.on("console", lambda m: self.errors.append(f"console.error: {m.text}") if m.type == "error" else None)
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or urlsplit(url).netloc == self.host:
            route.continue_()
        else:
            self.off_host.append(url)
            route.abort()

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load", timeout=60_000)
        self.page.evaluate(WAIT_FOR_MATH)

    def close(self) -> None:
        self.context.close()


# Resolves once MathJax (loaded only on pages with math) has typeset the page.
WAIT_FOR_MATH = """async () => {
  const loads = document.querySelector('script[src*="mathjax"], script[src*="tex-chtml"]');
  for (let i = 0; i < 100 && loads && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++) {
    await new Promise(r => setTimeout(r, 100));
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
}"""

# What a reader would notice, measured in the page: see tests/test_browser.py for the thresholds.
AUDIT = """(minTextPx) => {
  const out = {math: 0, untypeset: [], texErrors: [], displayMath: 0, clipped: [], images: 0, broken: [],
               figures: 0, illegible: [], pageScroll: document.documentElement.scrollWidth - window.innerWidth,
               codeLines: 0, hiddenLines: 0, overflowing: []};
  const article = document.querySelector('article.bd-article') || document.body;
  const right = article.getBoundingClientRect().right;
  for (const m of document.querySelectorAll('.math')) {
    out.math++;
    if (!m.querySelector('mjx-container')) out.untypeset.push(m.textContent.slice(0, 80));
    if (m.querySelector('mjx-merror')) out.texErrors.push(m.textContent.slice(0, 80));
  }
  for (const c of document.querySelectorAll('mjx-container[display="true"]')) {
    out.displayMath++;
    const style = getComputedStyle(c), scrolls = ['auto', 'scroll'].includes(style.overflowX);
    const tooWide = c.scrollWidth > c.clientWidth + 1 && !scrolls;
    const outside = c.getBoundingClientRect().right > right + 1;
    if (tooWide || outside) out.clipped.push(c.textContent.slice(0, 60) || c.getAttribute('aria-label') || '?');
  }
  for (const img of document.querySelectorAll('article img')) {
    out.images++;
    if (!img.complete || img.naturalWidth === 0) out.broken.push(img.getAttribute('src'));
    const cls = [...img.classList].find(c => /^dlc-text-\\d+$/.test(c));
    if (!cls || !img.naturalWidth) continue;
    out.figures++;
    const textPx = parseInt(cls.slice(9)) / 10 * img.getBoundingClientRect().width / img.naturalWidth;
    if (textPx < minTextPx - 0.05) {
      out.illegible.push(`${img.getAttribute('src').split('/').pop()}: ${textPx.toFixed(1)} px`);
    }
  }
  const probe = document.createElement('canvas').getContext('2d');
  for (const pre of document.querySelectorAll('article div.highlight pre')) {
    const style = getComputedStyle(pre);
    probe.font = `${style.fontSize} ${style.fontFamily}`;
    const room = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const line of pre.textContent.replace(/\\n$/, '').split('\\n')) {
      out.codeLines++;
      if (probe.measureText(line).width > room + 1) out.hiddenLines++;
    }
  }
  // anything that sticks out of the article without a scrolling box around it
  for (const el of article.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    // (MathJax's copy of each formula for screen readers is clipped to nothing on purpose)
    if (r.width === 0 || r.right <= right + 1 || el.closest('mjx-assistive-mml')) continue;
    const look = getComputedStyle(el);
    if (look.visibility === 'hidden' || look.opacity === '0') continue;
    // the nearest box that scrolls or clips: content it scrolls is reachable; content it clips, or content outside
    // the article with no such box, is lost
    let box = el.parentElement;
    while (box && box !== article && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
    const lost = !box || box === article ? true
      : getComputedStyle(box).overflowX === 'hidden' || getComputedStyle(box).overflowX === 'clip'
        ? r.right > box.getBoundingClientRect().right + 1 : false;
    if (lost) {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      out.overflowing.push(`${name}: ${el.textContent.slice(0, 40)}`);
    }
  }
  out.overflowing = [...new Set(out.overflowing)].slice(0, 10);
  return out;
}"""


@contextlib.contextmanager
def lab_server(root: Path, token: str = "dlcourse-test", student: bool = True) -> Iterator[str]:
    """JupyterLab on ``root``, on 127.0.0.1, as ``make lab`` starts it (the students' configuration, dlcourse/lab/)
    or, with ``student=False``, as ``make formgrader`` does (Jupyter's own); yields its base URL. ``--allow-root`` is
    passed as the Makefile passes it, where root is the only user."""
    import socket
    import subprocess
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root / ".runtime")}
    env.pop("JUPYTER_CONFIG_PATH", None)
    if student:
        env["JUPYTER_CONFIG_PATH"] = str(ROOT / "dlcourse" / "lab")
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
    if os.getuid() == 0:
        command.append("--allow-root")
    log = open(root / ".lab.log", "w")
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            time.sleep(0.25)
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {(root / '.lab.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}api/status?token={token}", timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                continue
        else:
            raise RuntimeError("JupyterLab did not answer within 60 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def pages(site: Path) -> list[Path]:
    """Every page of the built book (but ``index.html``, which only redirects to the preface)."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).as_posix() != "index.html"
                  and "_static" not in p.parts)


def audit_site(browser, base: str, site: Path, width: int, min_text_px: float = 8.0) -> tuple[dict, list[str]]:
    """Every page of ``site`` (served at ``base``) through :data:`AUDIT` at ``width`` px: the totals it counted, and
    one line per problem a reader would meet."""
    totals, problems = {}, []
    watched = Watched(browser, base, width)
    try:
        for page in pages(site):
            rel = page.relative_to(site).as_posix()
            watched.open(base + rel)
            found = watched.page.evaluate(AUDIT, min_text_px)
            for key in ("math", "displayMath", "images", "figures", "codeLines", "hiddenLines"):
                totals[key] = totals.get(key, 0) + found[key]
            totals["pages"] = totals.get("pages", 0) + 1
            for key, what in [("untypeset", "math left untypeset"), ("texErrors", "TeX errors"),
                              ("clipped", "display equations cut off"), ("broken", "broken images"),
                              ("illegible", f"figures with text under {min_text_px} px"),
                              ("overflowing", "content out of the column with no scrollbar")]:
                if found[key]:
                    problems.append(f"{rel} at {width} px: {what}: {found[key][:3]}")
            if found["pageScroll"] > 0:
                problems.append(f"{rel} at {width} px: the page scrolls sideways by {found['pageScroll']} px")
            for kind, items in [("requests leaving the host", watched.off_host), ("JavaScript errors", watched.errors),
                                ("failed responses", watched.failed)]:
                if items:
                    problems.append(f"{rel} at {width} px: {kind}: {items[:3]}")
                    items.clear()
    finally:
        watched.close()
    return totals, problems


def screenshots(site: Path, folder: Path = SCREENSHOT_DIR, browser=None) -> list[Path]:
    """Take the README's screenshots of the built ``site`` into ``folder`` (with ``browser``, or a new one)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(serve(site))
        browser = browser or stack.enter_context(launch())
        for name, (page, width, height, centre) in SCREENSHOTS.items():
            watched = Watched(browser, base, width, height)
            watched.open(base + page)
            if centre:
                watched.page.locator(centre).first.evaluate("el => el.scrollIntoView({block: 'center'})")
            watched.page.screenshot(path=str(folder / name))
            watched.close()
            made.append(folder / name)
    return made


if __name__ == "__main__":
    if sys.argv[1:] not in (["screenshots"], ["audit"]):
        sys.exit(__doc__)
    if problem := chromium_problem():
        sys.exit(problem)
    site = ROOT / "_build" / "html"
    if not (site / "index.html").exists():
        sys.exit("no built book in _build/html: run make book first")
    if sys.argv[1] == "screenshots":
        for path in screenshots(site):
            print(path.relative_to(ROOT))
    else:
        with serve(site) as base, launch() as browser:
            for width in (1280, 390):
                totals, problems = audit_site(browser, base, site, width)
                print(f"{width} px:", ", ".join(f"{key} {value}" for key, value in totals.items()))
                print("\n".join(problems) or "  no problems")
