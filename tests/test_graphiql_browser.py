"""GraphiQL in a real browser: Debian's headless Chromium opens the demo server's page with every
host but the server's unreachable, the page renders from the facade's own files, the README's
query runs from the editor and shows its answer, and no address ever holds a personnummer.

The screenshot is kept in `build/test-artifacts/` (not in git)."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.support import command, free_port

ROOT = Path(__file__).parent.parent
ARTIFACTS = ROOT / "build" / "test-artifacts"
PERSONNUMMER = re.compile(r"(?<!\d)(\d{6}|\d{8})[-+]?\d{4}(?!\d)")


def readme_query() -> str:
    """The query the README asks a new user to try."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"```graphql\n(.*?)\n```", text, re.S).group(1)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        pytest.fail("install chromium and chromium-driver (make test does, as root)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        # Offline: no host but loopback can be resolved, so a CDN could not be reached.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _result(driver: webdriver.Chrome) -> str:
    return driver.execute_script(
        "const editor = document.querySelector('.result-window .CodeMirror');"
        "return editor ? editor.CodeMirror.getValue() : '';"
    )


def _requested(driver: webdriver.Chrome) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_graphiql_renders_offline_and_runs_the_readme_query(browser: webdriver.Chrome) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with command(["serve", "--port", str(port)], f"{base}/readyz"):
        browser.get(f"{base}/")  # redirects to GraphiQL
        wait = WebDriverWait(browser, 60)
        wait.until(
            expected_conditions.element_to_be_clickable(
                (By.CSS_SELECTOR, ".graphiql-execute-button")
            )
        )
        assert browser.current_url == f"{base}/graphql"
        tabs = browser.find_elements(By.CSS_SELECTOR, ".graphiql-tab")
        assert len(tabs) > 5, "the schema guide's examples open as tabs"
        browser.find_element(By.CSS_SELECTOR, ".graphiql-tab-add").click()  # a tab of one's own
        wait.until(
            lambda driver: len(driver.find_elements(By.CSS_SELECTOR, ".graphiql-tab")) > len(tabs)
        )
        query = readme_query()

        def typed(driver: webdriver.Chrome) -> bool:
            editor = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
            driver.execute_script(f"{editor}.setValue(arguments[0]);", query)
            return driver.execute_script(f"return {editor}.getValue();") == query

        wait.until(typed)
        time.sleep(1)  # GraphiQL reads the operation's name from the editor after a pause
        browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
        # The result editor draws only what is in view: its text comes from CodeMirror.
        wait.until(lambda driver: '"regnr": "ABC12D"' in _result(driver))
        assert json.loads(_result(browser))["data"]["person"]["transportstyrelsen"]
        stored = browser.execute_script(
            "return window.localStorage.length + window.sessionStorage.length"
        )
        assert stored == 0, "GraphiQL keeps nothing in the browser's storage"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "graphiql.png"))
        requested = _requested(browser)
        addresses = [browser.current_url, *browser.execute_script(
            "return performance.getEntriesByType('navigation').map(e => e.name)"
        )]  # fmt: skip
    outside = [url for url in requested if not url.startswith((base, "data:", "blob:"))]
    assert outside == [], "every request stays on the facade's origin"
    assert any(url.endswith("/graphiql/graphiql.min.js") for url in requested)
    assert [url for url in addresses if PERSONNUMMER.search(url)] == []
    assert [url for url in requested if PERSONNUMMER.search(url)] == []
