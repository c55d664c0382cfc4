#!/usr/bin/env python3
"""Checks a gilbench report.html in a real browser (headless Chromium), as a reader sees it.

Usage: report_check.py REPORT_HTML [--chromium PATH] [--width 1280] [--height 800] [--print]
       [--compare]

With --compare the page is `gilbench compare`'s, which has no "On this machine" block.

With --print the page is checked as it prints on A4 in portrait: its print styles are applied
on screen, in a window as wide as an A4 page's printable width (718 px at 96 dpi, 1 cm margins),
and no screenshot is taken.

A copy of the page with a checking script at its top is opened at the given window size; the
script records console errors and uncaught exceptions from the first moment, then, once the
page has loaded, looks for:
  - horizontal overflow: the page wider than the window, or a table, figure or code block
    wider than its box (it would scroll, and a print or a screenshot would cut it);
  - images that did not load;
  - entities shown as text (`&amp;`, `&#x2F;`, ...: a string escaped twice);
  - the "On this machine" block outside the first screen.
It writes a full-page screenshot (report-check.png) and one of the first screen
(report-check-first-screen.png) beside the report, prints what it found, and exits 1 when
anything failed, 2 when Chromium could not run.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

MARK = "gilbench-report-check:"

# An A4 page's width less 1 cm margins, in CSS pixels (96 per inch).
A4_PRINTABLE_PX = 718

CHECK_SCRIPT = r"""
<script>
(function () {
  var found = { console: [], exceptions: [] };
  var original = console.error;
  console.error = function () {
    found.console.push(Array.prototype.map.call(arguments, String).join(" "));
    return original.apply(console, arguments);
  };
  window.addEventListener("error", function (e) {
    if (e.target && e.target !== window && e.target.tagName) {
      var source = e.target.src || e.target.href || "";
      found.console.push("failed to load " + e.target.tagName + " " + source);
    } else {
      found.exceptions.push(String(e.message));
    }
  }, true);
  window.addEventListener("load", function () {
    var width = window.innerWidth;
    var overflow = [];
    var root = document.documentElement;
    if (root.scrollWidth > width + 1) {
      overflow.push("page: " + root.scrollWidth + " px wide in a " + width + " px window");
    }
    document.querySelectorAll("table, figure, pre, svg, main > *").forEach(function (el) {
      var box = el.getBoundingClientRect();
      if (el.scrollWidth > el.clientWidth + 1 || box.right > width + 1) {
        var text = (el.textContent || "").trim().slice(0, 60);
        var wide = Math.round(Math.max(el.scrollWidth, box.width));
        overflow.push(el.tagName.toLowerCase() + " (" + wide + " px in " + el.clientWidth +
                      " px): " + text);
      }
    });
    var images = [];
    document.querySelectorAll("img").forEach(function (img) {
      if (!img.complete || img.naturalWidth === 0) { images.push(img.src); }
    });
    var entities = [];
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    var pattern = /&(#x?[0-9a-fA-F]+|amp|lt|gt|quot|apos|nbsp);/;
    while (walker.nextNode()) {
      var node = walker.currentNode;
      var parent = node.parentElement;
      if (parent && (parent.tagName === "SCRIPT" || parent.tagName === "STYLE")) { continue; }
      var m = pattern.exec(node.nodeValue);
      if (m) { entities.push(m[0] + " in: " + node.nodeValue.trim().slice(0, 80)); }
    }
    var answer = document.getElementById("on-this-machine");
    var answerBottom = answer ? answer.getBoundingClientRect().bottom + window.scrollY : null;
    var result = {
      console: found.console, exceptions: found.exceptions, overflow: overflow,
      images: images, entities: entities, answer_bottom: answerBottom,
      height: Math.ceil(root.scrollHeight), width: width
    };
    var out = document.createElement("pre");
    out.id = "gilbench-report-check";
    out.textContent = "MARK" + JSON.stringify(result);
    document.body.appendChild(out);
  });
})();
</script>
""".replace("MARK", MARK)


def find_chromium(given):
    for name in [given, "chromium", "chromium-browser", "google-chrome"]:
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def chromium_args(chromium, width, height, profile):
    return [
        chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--no-first-run", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
        f"--window-size={width},{height}", "--virtual-time-budget=10000",
    ]


def run_checks(chromium, report, width, height, profile, printed=False):
    """The checking script's findings, from the page's DOM after load."""
    with open(report, encoding="utf-8") as f:
        html = f.read()
    if printed:
        html = html.replace("@media print", "@media all")
    head = html.find("<head>")
    if head < 0:
        raise SystemExit(f"report-check: {report} has no <head>")
    checked = html[: head + 6] + CHECK_SCRIPT + html[head + 6 :]
    folder = os.path.dirname(os.path.abspath(report))
    with tempfile.NamedTemporaryFile("w", suffix=".html", dir=folder, delete=False,
                                     encoding="utf-8") as f:
        f.write(checked)
        copy = f.name
    try:
        args = chromium_args(chromium, width, height, profile) + ["--dump-dom", "file://" + copy]
        done = subprocess.run(args, capture_output=True, text=True, timeout=180)
    finally:
        os.unlink(copy)
    match = re.search(re.escape(MARK) + r"(\{.*?\})</pre>", done.stdout, re.S)
    if not match:
        sys.stderr.write(done.stderr[-2000:])
        print("report-check: Chromium gave no result (see its messages above)", file=sys.stderr)
        sys.exit(2)
    found = match.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return json.loads(found)


def screenshot(chromium, report, path, width, height, profile):
    args = chromium_args(chromium, width, height, profile) + [
        f"--screenshot={path}", "file://" + os.path.abspath(report)]
    subprocess.run(args, capture_output=True, text=True, timeout=180, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--chromium")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--print", dest="printed", action="store_true")
    parser.add_argument("--compare", action="store_true",
                        help="the page is gilbench compare's: it has no 'On this machine' block")
    options = parser.parse_args()
    if options.printed and options.width == 1280:
        options.width = A4_PRINTABLE_PX
    chromium = find_chromium(options.chromium)
    if chromium is None:
        print("report-check: no chromium on PATH (make report-check installs Debian's)",
              file=sys.stderr)
        sys.exit(2)
    if not os.path.isfile(options.report):
        print(f"report-check: {options.report}: no such file", file=sys.stderr)
        sys.exit(2)
    folder = os.path.dirname(os.path.abspath(options.report))
    with tempfile.TemporaryDirectory() as profile:
        found = run_checks(chromium, options.report, options.width, options.height, profile,
                           options.printed)
        if not options.printed:
            first = os.path.join(folder, "report-check-first-screen.png")
            full = os.path.join(folder, "report-check.png")
            screenshot(chromium, options.report, first, options.width, options.height, profile)
            tall = min(max(found["height"], options.height), 30000)
            screenshot(chromium, options.report, full, options.width, tall, profile)
    failures = []
    for kind, label in [("console", "console error"), ("exceptions", "script error"),
                        ("overflow", "horizontal overflow"), ("images", "image not loaded"),
                        ("entities", "entity shown as text")]:
        failures += [f"{label}: {item}" for item in found[kind]]
    bottom = found["answer_bottom"]
    if options.printed or options.compare:
        pass
    elif bottom is None:
        failures.append("no 'On this machine' block (#on-this-machine)")
    elif bottom > options.height:
        failures.append(f"the 'On this machine' block ends at {bottom:.0f} px, "
                        f"below the first screen ({options.height} px)")
    for failure in failures:
        print(f"report-check: {failure}")
    if options.printed:
        print(f"report-check: {len(failures)} problems printed on A4 ({options.width} px)")
    else:
        print(f"report-check: {len(failures)} problems; screenshots {first} and {full}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
