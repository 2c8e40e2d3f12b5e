"""Helpers for the browser tests: where the tools are, what the demo content is, and checks run in a page.

Fixtures live in ``tests/conftest.py``; these are plain functions and constants the tests import.
"""

import json
import os
import re
import shutil
import subprocess
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from headless_chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 (the browser tests import them from here)

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Screenshots for people to look at; gitignored.
ARTIFACTS = ROOT / "test-artifacts"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

DEMO_SLUG = "painless-nodules-elbow-knees"
DEMO_TITLE = "Painless nodules on the elbow and knees"
DEMO_FIGURES = ["1A", "1B", "1C", "1D"]

# The public pages every check visits: name -> path.
PUBLIC_PAGES = {
    "home": "/",
    "search": "/?q=calcinosis",
    # With a quiz, the case page shows how the case begins; ?whole=1 shows all of it.
    "case": f"/cases/{DEMO_SLUG}/",
    "whole case": f"/cases/{DEMO_SLUG}/?whole=1",
    "figure": f"/cases/{DEMO_SLUG}/figures/1C/",
    "sign in": "/accounts/login/",
    # Sign-up is open in debug mode (the browser tests' server); closed, the page says who makes accounts.
    "sign up": "/accounts/signup/",
    "password reset": "/accounts/password/reset/",
    "check your e-mail": "/accounts/confirm-email/",
    "reset link sent": "/accounts/password/reset/done/",
    "broken confirmation link": "/accounts/confirm-email/not-a-key/",
    "broken reset link": "/accounts/password/reset/key/1-not-a-key/",
}


ADMIN_PAGE_NAMES = [
    "admin index",
    "case list",
    "case change page",
    "figure change page",
    "quiz list",
    "quiz change page",
    "item analysis page",
    "step change page",
    "hotspot question change page",
    "attempt list",
]


def admin_pages(case) -> dict[str, str]:
    """The educators' admin pages every check visits, for the demo case: name -> path."""
    figure = case.figures.get(label="1C")
    quiz = case.quizzes.get()
    step = quiz.steps.get(position=2)
    hotspot = step.questions.get(kind="hotspot")
    pages = {
        "admin index": "/admin/",
        "case list": "/admin/cases/case/",
        "case change page": f"/admin/cases/case/{case.pk}/change/",
        "figure change page": f"/admin/cases/figure/{figure.pk}/change/",
        "quiz list": "/admin/quiz/quiz/",
        "quiz change page": f"/admin/quiz/quiz/{quiz.pk}/change/",
        "item analysis page": f"/admin/quiz/quiz/{quiz.pk}/item-analysis/",
        "step change page": f"/admin/quiz/step/{step.pk}/change/",
        "hotspot question change page": f"/admin/quiz/question/{hotspot.pk}/change/",
        "attempt list": "/admin/quiz/attempt/",
    }
    assert list(pages) == ADMIN_PAGE_NAMES
    return pages


# --- Tools ------------------------------------------------------------------------------------


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def missing_tools(*tools: str) -> list[str]:
    checks = {
        "chromium": lambda: (CHROMIUM.exists(), f"Chromium ({CHROMIUM})"),
        "playwright": lambda: (_importable("playwright"), "the playwright Python package (requirements-dev.txt)"),
        "axe": lambda: (AXE_JS.exists(), f"axe-core ({AXE_JS.relative_to(ROOT)})"),
        "vnu": lambda: (VNU_JAR.exists(), f"the Nu Html Checker ({VNU_JAR.relative_to(ROOT)})"),
        "java": lambda: (shutil.which("java") is not None, "Java (`java` on PATH)"),
    }
    return [label for name in tools for present, label in [checks[name]()] if not present]


def require_tools(*tools: str) -> None:
    """Skip (on a laptop) or fail (under CI) when a tool the test needs is not installed."""
    missing = missing_tools(*tools)
    if not missing:
        return
    message = f"Missing {', '.join(missing)}. Run `make test`, which installs them (tests/setup_browser_tools.sh)."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} Under CI the setup should have installed them.", pytrace=False)
    pytest.skip(message)


# --- What the browser reports -----------------------------------------------------------------


@dataclass
class PageProblems:
    """What the browser reported while a test ran."""

    csp: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)
    failed_resources: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.csp.clear()
        self.script_errors.clear()
        self.failed_resources.clear()

    def report(self) -> str:
        lines = []
        for title, items in [
            ("Content Security Policy violations", self.csp),
            ("Uncaught script errors", self.script_errors),
            ("Resources that failed to load", self.failed_resources),
        ]:
            if items:
                lines.append(f"{title}:")
                lines += [f"  - {item}" for item in items]
        return "\n".join(lines)

    def assert_none(self) -> None:
        report = self.report()
        assert not report, "The browser reported problems:\n" + report


# Runs in every document before the page's own scripts (Playwright injects it over the DevTools
# protocol, which the page's CSP does not govern) and reports each CSP violation to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation([
    event.effectiveDirective, event.blockedURI || "(inline)", event.sourceFile || "", event.lineNumber,
    event.sample || "", document.location.href,
  ]);
});
"""


def watch(context, problems: PageProblems) -> None:
    """Collect CSP violations, uncaught script errors and failed sub-resources of every page in a context."""

    def on_violation(_source, details):
        directive, blocked, source_file, line, sample, url = details
        where = f" at {source_file}:{line}" if source_file else ""
        snippet = f" ({sample!r})" if sample else ""
        problems.csp.append(f"{url}: {directive} blocked {blocked}{where}{snippet}")

    context.expose_binding("__reportCspViolation", on_violation)
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        # Chromium also logs each violation to the console; this catches any the event missed
        # (e.g. one raised before the listener was in place).
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.csp.append(f"console: {message.text}")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.failed_resources.append(f"{response.status} {response.url}")

    def on_request_failed(request):
        # ERR_ABORTED: the browser dropped the request because the test moved on to another page. A missing
        # file shows as an HTTP error status above instead.
        if request.resource_type != "document" and "ERR_ABORTED" not in (request.failure or ""):
            problems.failed_resources.append(f"{request.url}: {request.failure}")

    context.on("console", on_console)
    context.on("weberror", lambda error: problems.script_errors.append(str(error.error)))
    context.on("response", on_response)
    context.on("requestfailed", on_request_failed)


# --- Pages ------------------------------------------------------------------------------------


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot in test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name.replace(' ', '-')}.png"
    page.screenshot(path=path, full_page=True)
    return path


def load_all_images(page) -> None:
    """Load every image now, lazy ones included (hidden ones too), and wait until each has loaded or failed."""
    page.evaluate(ALL_IMAGES_LOADED_JS)


# Not page.wait_for_function: when it has to poll, Playwright evaluates the condition as a string in the
# page, which the CSP (no 'unsafe-eval') rightly refuses. An awaited function runs over the DevTools protocol.
ALL_IMAGES_LOADED_JS = """
async () => {
  document.querySelectorAll("img[loading=lazy]").forEach((img) => { img.loading = "eager"; });
  await Promise.all(Array.from(document.images).map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener("load", done, { once: true });
    img.addEventListener("error", done, { once: true });
  })));
}
"""


def images_not_loaded(page) -> list[str]:
    """The images in the page that did not load (a broken image has naturalWidth 0)."""
    return page.evaluate(
        "Array.from(document.images).filter((img) => !(img.complete && img.naturalWidth > 0))"
        ".map((img) => img.currentSrc || img.src)"
    )


# Elements wider than the window, when the page scrolls sideways. Empty when it does not.
HORIZONTAL_OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + Array.from(el.classList).join(".") : "");
  const culprits = Array.from(document.body.querySelectorAll("*"))
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .map((el) => `${describe(el)} reaches ${Math.round(el.getBoundingClientRect().right)}px`);
  return [`the page is ${document.documentElement.scrollWidth}px wide in a ${width}px window`,
          ...culprits.slice(0, 15)];
}
"""


# Pairs of pieces of visible text that are drawn over each other.
#
# It measures text, not boxes: for every visible text node it takes the rectangles of its rendered lines
# (Range.getClientRects), so a badge inside a heading, an inline link in a paragraph, or a container and
# its children do not count as overlapping; only glyph boxes of two different text nodes do. Two lines of
# one text node are not compared (their boxes may touch when line-height is tight, which is normal).
# Each rectangle is first cut to what its ancestors let show (those with overflow other than visible, a
# clip or a clip-path), so text scrolled out of sight inside a scrolling box, and visually hidden text (the
# skip link until it has focus, Django admin's hidden table headings) take no part. Text that is not
# rendered at all (display none, visibility hidden, opacity 0: checkVisibility) is skipped. Not modelled:
# a positioned element escaping the clip of an ancestor that is not its containing block (rare; it would
# only hide an overlap, never invent one). A 2px tolerance each way absorbs anti-aliasing and font metrics;
# real overlaps are far larger.
OVERLAPPING_TEXT_JS = """
() => {
  const TOLERANCE = 2;
  const skip = "script, style, noscript, template, option, title, svg";
  const everything = { left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity };
  const intersect = (a, b) => ({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top),
                                 right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
  const clips = new Map();
  // The part of the page an element's content can show in, after its ancestors' clipping.
  const clipOf = (el) => {
    if (!el || el === document.documentElement) return everything;
    if (!clips.has(el)) {
      const s = getComputedStyle(el);
      const own = s.overflow !== "visible" || s.clip !== "auto" || s.clipPath !== "none";
      const outer = clipOf(el.parentElement);
      clips.set(el, own && el !== document.body ? intersect(outer, el.getBoundingClientRect()) : outer);
    }
    return clips.get(el);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const boxes = [];
  let nodeIndex = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest(skip)) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const clip = clipOf(el);
    nodeIndex += 1;
    range.selectNodeContents(node);
    for (const line of range.getClientRects()) {
      const r = intersect(line, clip);
      if (r.right - r.left < 1 || r.bottom - r.top < 1) continue;
      boxes.push({ node: nodeIndex, text: text.slice(0, 50), ...r });
    }
  }
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.node === b.node) continue;
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > TOLERANCE && y > TOLERANCE) {
        overlaps.push(`"${a.text}" and "${b.text}" overlap by ${Math.round(x)}x${Math.round(y)}px`);
      }
    }
  }
  return overlaps;
}
"""


# Records, for every element the keyboard can reach, how it looks without focus. Run before tabbing.
FOCUS_BASELINE_JS = """
() => {
  const styleOf = (el) => {
    const s = getComputedStyle(el);
    return { outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, shadow: s.boxShadow };
  };
  window.__focusBaseline = new Map();
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")) {
    window.__focusBaseline.set(el, styleOf(el));
  }
}
"""

# Puts the keyboard's starting point at the top of the page with nothing focused (an autofocus field
# included), so the next Tab goes to the first focusable element, as when a page has just been opened.
FOCUS_START_JS = """
async () => {
  document.body.setAttribute("tabindex", "-1");
  document.body.focus();
  document.body.removeAttribute("tabindex");
  await Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => null)));
}
"""

# How the focused element looks, compared with how it looked without focus; null once focus has left the
# page or come back round to an element already seen. It waits for the element's transitions to end
# (Bootstrap fades its focus glow in), so what is measured is what stays on screen.
FOCUSED_ELEMENT_JS = """
async () => {
  const el = document.activeElement;
  if (!el || el === document.body || window.__focusSeen.has(el)) return null;
  window.__focusSeen.add(el);
  await Promise.all(el.getAnimations().map((animation) => animation.finished.catch(() => null)));
  const s = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  // Faint glows (a colour less than 60% opaque) do not count: on the site's pale header and cards they
  // are hard to see.
  const SOLID = 0.6;
  const alpha = (color) => {
    if (color === "transparent") return 0;
    const parts = color.match(/rgba?\\(([^)]*)\\)/);
    const values = parts ? parts[1].split(/[ ,\\/]+/).filter(Boolean) : [];
    return values.length > 3 ? parseFloat(values[3]) : 1;
  };
  // A shadow shows when one of its layers has some colour and some size (offset, blur or spread).
  const shadowShows = (shadow) => shadow !== "none" && shadow.split(/,(?![^(]*\\))/).some((layer) => {
    const color = (layer.match(/rgba?\\([^)]*\\)|transparent/) || ["rgb(0, 0, 0)"])[0];
    const lengths = layer.replace(color, "").match(/-?[\\d.]+px/g) || [];
    return alpha(color) >= SOLID && lengths.some((length) => parseFloat(length) !== 0);
  });
  const outline = `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
  const hasOutline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1 && alpha(s.outlineColor) >= SOLID;
  const base = window.__focusBaseline.get(el) || { outline: "none", shadow: "none" };
  const changed = outline !== base.outline || s.boxShadow !== base.shadow;
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "").trim();
  return {
    description: `<${el.tagName.toLowerCase()}> "${text.replace(/\\s+/g, " ").slice(0, 40)}"`,
    visible: (hasOutline || shadowShows(s.boxShadow)) && changed && rect.width > 1 && rect.height > 1,
    style: `outline ${outline}; box-shadow ${s.boxShadow}; size ${Math.round(rect.width)}x${Math.round(rect.height)}`,
  };
}
"""


def walk_focus(page, limit: int = 300) -> list[dict]:
    """Tab through the page from the top, returning how each element looked when the keyboard focused it.

    Each entry has ``description``, ``visible`` (an outline, or a box-shadow with size, at least 60% opaque,
    that the element does not have without focus, on an element bigger than 1px) and ``style``.
    """
    page.evaluate(FOCUS_START_JS)
    page.evaluate(FOCUS_BASELINE_JS)
    page.evaluate("() => { window.__focusSeen = new Set(); }")
    focused = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUSED_ELEMENT_JS)
        if state is None:
            break
        focused.append(state)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    return focused


# --- Accessibility (axe-core) -----------------------------------------------------------------


def format_axe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation.get('impact') or 'no impact given'}): {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(part if isinstance(part, str) else json.dumps(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    - {target}: {summary}")
    return "\n".join(lines)


class KnownAccessibilityViolation(UserWarning):
    """A violation listed as known (not fixed yet) where the test runs axe; shown in pytest's warnings."""


def set_aside_known_violations(url: str, violations: list[dict], known) -> list[dict]:
    """Remove the elements that ``known`` lists from ``violations``, warn about each, and return the rest.

    Fails when a known entry matched nothing: it has been fixed, and the entry must go.
    """
    remaining, used = [], set()
    for violation in violations:
        nodes = []
        for node in violation["nodes"]:
            selector = " ".join(part if isinstance(part, str) else json.dumps(part) for part in node["target"])
            matches = [i for i, (rule, pattern, _) in enumerate(known) if rule == violation["id"]]
            match = next((i for i in matches if re.search(known[i][1], selector)), None)
            if match is None:
                nodes.append(node)
            else:
                used.add(match)
        if nodes:
            remaining.append({**violation, "nodes": nodes})
    for i, (rule, pattern, why) in enumerate(known):
        if i in used:
            message = f"{url}: known violation {rule} on {pattern!r}: {why}"
            warnings.warn(message, KnownAccessibilityViolation, stacklevel=2)
    stale = [f"{rule} on {pattern!r}" for i, (rule, pattern, _) in enumerate(known) if i not in used]
    assert not stale, f"{url}: these known violations no longer occur; remove them from the list: {stale}"
    return remaining


# --- Valid HTML (Nu Html Checker) -------------------------------------------------------------


def fetch_html(url: str, cookies: dict[str, str] | None = None) -> str:
    """The raw HTML the server sends (not the browser's re-serialised DOM)."""
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    if cookies:
        request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in cookies.items()))
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, f"{url} answered {response.status}"
        assert response.headers.get_content_type() == "text/html", f"{url} is not HTML"
        return response.read().decode(response.headers.get_content_charset() or "utf-8")


def run_html_checker(documents: dict[str, str], workdir: Path) -> list[str]:
    """Check named HTML documents with one run of the Nu Html Checker; return its errors, one line each."""
    require_tools("java", "vnu")
    workdir.mkdir(parents=True, exist_ok=True)
    names = {}
    for name, html in documents.items():
        path = workdir / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        names[path.as_uri()] = name
    command = ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
    result = subprocess.run(
        [*command, *(str(workdir / f"{name}.html") for name in documents)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"The Nu Html Checker did not answer in JSON:\n{result.stdout}\n{result.stderr}", pytrace=False)
    errors = []
    for message in messages:
        if message.get("type") == "info":
            continue
        url = message.get("url", "")
        name = names.get(url) or names.get(url.replace("file:/", "file:///", 1)) or url or "?"
        extract = " ".join(message.get("extract", "").split())
        errors.append(
            f"{name}.html line {message.get('lastLine', '?')}: {message.get('message')}"
            + (f"  [{extract}]" if extract else "")
        )
    if result.returncode != 0 and not errors:
        pytest.fail(f"The Nu Html Checker failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return errors
