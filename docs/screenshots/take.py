"""Regenerate the screenshots in this folder: `.venv/bin/python docs/screenshots/take.py`.

Serves the app on a free 127.0.0.1 port, enters one profile (74, R-ISS III, del(17p) and t(4;14),
partial response, MRD positive) through the form as a person would, and saves the main pages
in Debian's Chromium at 1280 px and at 375 px (a phone), the calibration page's figure, and the two pages of the clinic leaflet
(``/summary.pdf``) as rendered by poppler's pdftoppm.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from mmdecide.web import create_app

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"


def _serve() -> tuple[str, uvicorn.Server]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def _enter(page, base: str) -> None:
    page.goto(base + "/profile")
    page.fill("#input-age", "74")
    page.check("input[name=r_iss][value=III]")
    page.check("input[name=response][value=PR]")
    page.check("input[name=mrd][value=positive]")
    page.check("input[name=cytogenetics][value=del17p]")
    page.check("input[name=cytogenetics][value='t4-14']")
    page.get_by_role("button", name="Show my results").click()
    page.wait_for_url("**/results")


def _leaflet(pdf: bytes) -> None:
    """leaflet-1.png and leaflet-2.png: the leaflet's pages at 80 dpi."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise SystemExit("pdftoppm not found (Debian: poppler-utils)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "leaflet.pdf"
        path.write_bytes(pdf)
        subprocess.run([pdftoppm, "-r", "80", "-png", str(path), str(Path(tmp) / "leaflet")], check=True)
        for i, page in enumerate(sorted(Path(tmp).glob("leaflet-*.png")), start=1):
            shutil.copyfile(page, HERE / f"leaflet-{i}.png")


def main() -> None:
    base, server = _serve()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        wide = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        _enter(wide, base)
        wide.screenshot(path=HERE / "results-1280.png")
        wide.locator("#layer-pictures > summary").click()
        wide.locator("#layer-pictures").screenshot(path=HERE / "pictures-1280.png")
        wide.locator("#layer-curves > summary").click()
        wide.locator("#layer-curves figure").first.screenshot(path=HERE / "curves-1280.png")
        _leaflet(wide.context.request.get(base + "/summary.pdf").body())  # before the what-if changes an answer
        wide.select_option("#whatif-change", "r_iss:II")  # MRD-negative would contradict PR (IMWG)
        wide.get_by_role("button", name="Show before and after").click()
        wide.locator("#before-after").screenshot(path=HERE / "what-if-1280.png")
        wide.goto(base + "/about")
        wide.screenshot(path=HERE / "about-1280.png")
        wide.goto(base + "/calibration")  # the figure: every result with a number, trial against model
        wide.locator("main figure").first.screenshot(path=HERE / "calibration-1280.png")
        phone = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
        _enter(phone, base)
        phone.screenshot(path=HERE / "results-375.png")
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
