"""The explorer in a real browser with the network off: it loads, a control moves a chart.

`tradesim explore`'s server runs in a subprocess on a free loopback port, with a dead
proxy for any request of its own to the outside; the system's headless Chromium may
reach only 127.0.0.1 (every other host name resolves to nothing, and every other
address goes to a dead proxy).  The test loads the page, waits for the charts, checks
that no request left the machine and that every one succeeded, moves a slider with the
keyboard and checks that the chart's image and the outcome line change.

Needs Chromium and ChromeDriver (Debian: ``apt-get install chromium chromium-driver``,
which .ci/run does when it can) and selenium (the ``test`` extra); skips, saying which
is missing, only without them.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("solara", reason="the 'explore' extra is not installed")
webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (it is in the 'test' extra)")

from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from tradesim import explore  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LONDON = ROOT / "scenarios" / "london-2025.yaml"
RUNS = 60
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
DEAD = "127.0.0.1:9"  # the discard port: nothing listens, so a proxied request fails at once


def _browser() -> tuple[str, str]:
    binary = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome",
                                             "google-chrome-stable") if shutil.which(n)), None)
    driver = shutil.which("chromedriver")
    if binary is None or driver is None:
        missing = " and ".join(n for n, p in (("Chromium", binary), ("ChromeDriver", driver))
                               if p is None)
        pytest.skip(f"no {missing} found: install them with "
                    "'apt-get install chromium chromium-driver' (.ci/run does when it can)")
    return binary, driver


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`tradesim explore`'s server on a free loopback port, with no way out."""
    assert explore.missing_assets() == [], "solara-assets does not match the installed Solara"
    port = _free_port()
    argv, env = explore.server_command(LONDON, port=port, runs=RUNS)
    dead = f"http://{DEAD}"
    env.update(HTTP_PROXY=dead, HTTPS_PROXY=dead, http_proxy=dead, https_proxy=dead,
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
               PYTHONUNBUFFERED="1")
    log_path = tmp_path / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"the server stopped: {log_path.read_text()[-2000:]}"
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def browser():
    """Headless Chromium that can reach 127.0.0.1 only, logging every request."""
    binary, driver_path = _browser()
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1600,1000", "--no-first-run", "--disable-extensions",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-default-apps", "--metrics-recording-only",
                 # The network off: names resolve to nothing, addresses go to a dead proxy.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                 f"--proxy-server=http://{DEAD}",
                 "--proxy-bypass-list=127.0.0.1;localhost"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    except Exception as exc:  # a browser that cannot start here is a missing browser
        pytest.skip(f"Chromium did not start: {str(exc).splitlines()[0]}")
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _requests(driver) -> list[dict]:
    """The page's network events since the last call (Chrome DevTools performance log)."""
    events = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"].startswith("Network."):
            events.append(message)
    return events


def _check_network(events: list[dict]) -> None:
    outside, failed = [], []
    urls = {}
    for e in events:
        params = e["params"]
        if e["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            url = params.get("request", {}).get("url") or params.get("url", "")
            urls[params.get("requestId")] = url
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "ws", "wss") and \
                    parts.hostname not in LOCAL_HOSTS:
                outside.append(url)
        elif e["method"] == "Network.responseReceived":
            status = params["response"]["status"]
            if status >= 400:
                failed.append(f"{status} {params['response']['url']}")
        elif e["method"] == "Network.loadingFailed" and not params.get("canceled"):
            failed.append(f"{params.get('errorText')} {urls.get(params['requestId'], '?')}")
    assert not outside, f"requests left the machine: {outside}"
    assert not failed, f"requests failed: {failed}"


_IMAGE_DIGEST = """
const done = arguments[arguments.length - 1];
const img = [...document.querySelectorAll('img')].find(
    i => i.naturalWidth > 600 && (i.src.startsWith('blob:') || i.src.startsWith('data:')));
if (!img) { done(null); return; }
fetch(img.src).then(r => r.arrayBuffer()).then(buf => crypto.subtle.digest('SHA-256', buf))
    .then(h => done([...new Uint8Array(h)].map(b => b.toString(16).padStart(2, '0')).join('')))
    .catch(e => done('error: ' + e));
"""


def _chart(driver) -> str | None:
    """SHA-256 of the chart image's bytes, or None while there is none."""
    return driver.execute_async_script(_IMAGE_DIGEST)


def _outcomes(driver) -> str:
    return driver.execute_script(
        "const p = [...document.querySelectorAll('p, div')].filter("
        "e => e.innerText && e.innerText.startsWith('Outcomes at the horizon'));"
        "return p.length ? p[p.length - 1].innerText : '';")


@pytest.mark.slow
def test_the_explorer_works_offline_in_a_real_browser(browser, server, tmp_path):
    started = time.monotonic()
    browser.set_script_timeout(20)
    browser.get(server)
    wait = WebDriverWait(browser, 60, poll_frequency=0.5)
    try:
        before = wait.until(lambda d: _chart(d))
    except TimeoutException:
        browser.save_screenshot(str(tmp_path / "explorer-timeout.png"))
        _check_network(_requests(browser))  # a blank page: say which requests went out
        raise AssertionError(
            f"no chart within 60 s (screenshot: {tmp_path / 'explorer-timeout.png'}); "
            f"browser log: {browser.get_log('browser')[-5:]}") from None
    assert not before.startswith("error"), before
    outcome_before = _outcomes(browser)
    assert f"{RUNS:,} runs" in outcome_before
    body = browser.find_element(By.TAG_NAME, "body").text
    for label in ("US alarm threshold (nats)", "China weekly approval chance", "US strategy",
                  "Generous tit for tat"):
        assert label in body, label
    browser.save_screenshot(str(tmp_path / "explorer-before.png"))

    # Move a slider: "US weekly approval chance" to its minimum (0), with the keyboard.
    slider = browser.find_element(
        By.XPATH, "//div[contains(@class, 'v-input') and .//label[normalize-space()="
                  "'US weekly approval chance']]//*[@role='slider']")
    slider.send_keys(Keys.HOME)
    after = WebDriverWait(browser, 30, poll_frequency=0.5).until(
        lambda d: (h := _chart(d)) not in (None, before) and h)
    assert not after.startswith("error"), after
    assert after != before
    WebDriverWait(browser, 10).until(lambda d: _outcomes(d) != outcome_before)
    assert "set here" in browser.find_element(By.TAG_NAME, "body").text
    browser.save_screenshot(str(tmp_path / "explorer-after.png"))

    _check_network(_requests(browser))
    assert time.monotonic() - started < 90
