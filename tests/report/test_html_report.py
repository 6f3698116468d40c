"""--format html: one self-contained page, loaded in a real headless Chromium (Debian's
``chromium``), whose rendered DOM and screenshot are checked.

Chromium is installed by .ci/run (as podman is); where it is missing this test tries apt-get
(root, Debian) and otherwise skips saying why."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from eks_ip_lint.cli import main

from testlib import FIXTURES, REPO

SEED = REPO / "examples" / "seed-cluster"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if shutil.which("apt-get") and shutil.which("id"):
        uid = subprocess.run(["id", "-u"], capture_output=True, text=True, check=False).stdout.strip()
        if uid == "0":
            subprocess.run(
                "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium",
                shell=True,
                capture_output=True,
                check=False,
                timeout=900,
            )
            return shutil.which("chromium")
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    found = _chromium()
    if found is None:
        pytest.skip("headless Chromium is not installed and cannot be (apt-get install chromium as root)")
    return found


def _run_chromium(chromium: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "report.html"
    code = main(
        [
            "--no-cache",
            str(SEED),
            str(FIXTURES / "terraform" / "tam-v20-vpc-eks"),
            "--format",
            "html",
            "-o",
            str(out),
        ]
    )
    assert code == 1
    return out


def test_page_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    # No external asset: nothing fetched (src/href/url()/@import), no script at all.
    assert not re.search(r"""(src|href)\s*=|url\(|@import|<script|<link""", text, re.I)


def _probe(page: Path, tmp: Path) -> Path:
    """The page plus a script that measures what Chromium laid out, into the DOM (test copy only)."""
    probe = tmp / "probe.html"
    script = """<script>
window.addEventListener('load', () => {
  const out = [...document.querySelectorAll('svg')].map(s => {
    const r = s.getBoundingClientRect();
    return {cls: s.getAttribute('class'), w: r.width, h: r.height,
            bars: [...s.querySelectorAll('rect.bar')].map(b => ({subnet: b.dataset.subnet,
                   need: +b.dataset.need, usable: +b.dataset.usable, w: b.getBBox().width,
                   cls: b.getAttribute('class')})),
            line: (() => { const l = s.querySelector('line.full'); return l ? +l.getAttribute('x1') : null; })(),
            pathLength: (() => { const p = s.querySelector('path.step'); return p ? p.getTotalLength() : 0; })()};
  });
  const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", script + "</body>"), encoding="utf-8"
    )
    return probe


def test_chromium_renders_the_charts(chromium: str, page: Path, tmp_path: Path) -> None:
    run = _run_chromium(chromium, "--virtual-time-budget=5000", "--dump-dom", _probe(page, tmp_path).as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    m = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, re.S)
    assert m is not None, run.stdout[-2000:]
    svgs = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    subnets = [s for s in svgs if s["cls"] == "subnet-use"]
    steps = [s for s in svgs if s["cls"] == "step-chart"]
    # Two clusters (seed, ex-tam): one subnet chart each; instance types m5.4xlarge (both) and m5.large.
    assert len(subnets) == 2 and len(steps) == 3
    assert all(s["w"] > 300 and s["h"] > 100 for s in svgs)  # laid out, not collapsed
    seed = subnets[0]
    # The seed: private[0] needs 1,620 (floor) and 3,240 (configured) of 1,019 usable IPs, so each
    # bar is need/usable of the 100% line's length from the bars' start (170 px): the configured
    # bar is 3,240 / 1,620 = 2x the floor bar.
    p0 = [b for b in seed["bars"] if b["subnet"] == "private[0]"]
    floor, conf = (next(b for b in p0 if cls in b["cls"]) for cls in ("floor", "configured"))
    assert (floor["need"], conf["need"], conf["usable"]) == (1620, 3240, 1019)
    assert conf["w"] == pytest.approx(2 * floor["w"], rel=0.01)
    assert conf["w"] == pytest.approx((seed["line"] - 170) * 3240 / 1019, rel=0.01)
    assert "over" in conf["cls"]  # past 100%
    assert all(s["pathLength"] > 100 for s in steps)


def _png_pixels_vary(png: bytes) -> bool:
    """Whether a screenshot shows anything: its decoded rows are not all one colour."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        data = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width = struct.unpack(">I", data[:4])[0]
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompress(idat)
    return len(set(raw[1 : width * 3])) > 1 or len(set(raw)) > 8


def test_chromium_screenshot_shows_the_page(chromium: str, page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    run = _run_chromium(chromium, "--window-size=1100,1400", f"--screenshot={shot}", page.as_uri())
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    assert shot.stat().st_size > 20_000
    assert _png_pixels_vary(shot.read_bytes())
