"""GraphiQL in a real browser: Debian's headless Chromium opens the demo server's page with every
host but the server's unreachable, the page renders from the facade's own files, Run on the
first tab of a fresh page answers, the tabs are named apart and fit the strip, the README's query
runs from the editor and shows its answer, the `Arendevy` tab shows its first part while the
benefits are still being asked and then the benefits merged in, no address ever holds a
personnummer, and the credential placeholder of the headers editor is never sent.

The screenshots are kept in `build/test-artifacts/` (not in git)."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from graph.app import create_app, demo_transport
from graph.graphiql import examples
from graph.settings import load_settings
from tests.support import Simulator, command, eventually, facade_app, facade_env, free_port, serving
from tests.support.held import HeldTransport

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


@pytest.fixture(scope="module")
def demo() -> Iterator[str]:
    """`ssbtek-graphql serve` in demo mode, as `make run` starts it: its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with command(["serve", "--port", str(port)], f"{base}/readyz"):
        yield base


def _opened(driver: webdriver.Chrome, url: str, width: int = 1400) -> WebDriverWait:
    """A fresh page of `url` in a window `width` pixels wide, once GraphiQL can run (what the
    browser did before is forgotten); a wait for what comes next."""
    driver.set_window_size(width, 900)
    driver.get_log("performance")
    driver.get(url)
    wait = WebDriverWait(driver, 60)
    wait.until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button"))
    )
    return wait


def _result(driver: webdriver.Chrome) -> str:
    return driver.execute_script(
        "const editor = document.querySelector('.result-window .CodeMirror');"
        "return editor ? editor.CodeMirror.getValue() : '';"
    )


def _answer(driver: webdriver.Chrome, wait: WebDriverWait) -> dict[str, Any]:
    """Press Run; the answer GraphiQL shows (the result editor draws only what is in view: its
    text comes from CodeMirror)."""
    driver.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
    wait.until(lambda d: _result(d).strip().startswith("{") and "Loading" not in _result(d))
    return json.loads(_result(driver))


def _tool_editors(driver: webdriver.Chrome) -> dict[str, str]:
    """The texts of the variables and the headers editor (in that order below the query)."""
    texts = driver.execute_script(
        "return [...document.querySelectorAll('.graphiql-editor-tool .graphiql-editor"
        " .CodeMirror')].map((editor) => editor.CodeMirror.getValue());"
    )
    return dict(zip(("variables", "headers"), texts, strict=True))


def _network(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """The browser's network events since they were last read (or the page was opened), each
    `{method, params}` as the DevTools protocol names them."""
    return [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]


def _sent(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """The requests the page has sent since it was opened (url, method and headers)."""
    events = _network(driver)
    return [e["params"]["request"] for e in events if e["method"] == "Network.requestWillBeSent"]


def _header(headers: dict[str, str], name: str) -> str:
    """A header's value, whatever the case of its name as the browser reports it."""
    return next((value for key, value in headers.items() if key.lower() == name), "")


def _requested(driver: webdriver.Chrome) -> list[str]:
    return [request["url"] for request in _sent(driver)]


def test_run_on_the_first_tab_of_a_fresh_page_answers(browser: webdriver.Chrome, demo: str) -> None:
    """What a newcomer does first: open GraphiQL and press Run. Every tab is one use of the
    schema guide, named apart, and the strip holds them all in a window 1280 pixels wide."""
    wait = _opened(browser, f"{demo}/", width=1280)
    names = [re.search(r"query (\w+)", tab["query"]).group(1) for tab in examples()]  # type: ignore[union-attr]
    titles = [tab.text for tab in browser.find_elements(By.CSS_SELECTOR, ".graphiql-tab")]
    assert titles == names and len(set(titles)) == len(titles)
    overflow = browser.execute_script(
        "const strip = document.querySelector('.graphiql-tabs');"
        "return strip.scrollWidth - strip.clientWidth;"
    )
    assert overflow <= 0, "every tab and the + of a new one are in view"
    editors = _tool_editors(browser)
    assert json.loads(editors["variables"]) == json.loads(examples()[0]["variables"])
    assert editors["headers"] == "", "demo mode takes any caller: nothing to fill in"
    answer = _answer(browser, wait)
    assert "errors" not in answer, answer
    assert answer["data"]["person"]["arbetsformedlingen"]["fornamn"] == "Tolvan"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "graphiql-first-tab.png"))


def test_the_placeholder_of_the_headers_editor_is_never_sent(
    browser: webdriver.Chrome, sim: Simulator
) -> None:
    """Behind a gateway the headers editor shows where the caseworker goes; Run before filling
    it in sends no such header (the answer says it is missing), and the filled-in one is sent."""
    app = facade_app(facade_env(sim.url, SSBTEK_GRAPHIQL="true"))
    with serving(app) as base:
        wait = _opened(browser, f"{base}/")
        shown = json.loads(_tool_editors(browser)["headers"])
        assert shown == {"X-Handlaggare": "<kontonamn>"}
        refused = _answer(browser, wait)
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        sent = [
            request["headers"] for request in _sent(browser) if request["url"].endswith("/graphql")
        ]
        assert sent and all("<kontonamn>" not in str(headers) for headers in sent), sent
        browser.execute_script(
            "document.querySelectorAll('.graphiql-editor-tool .graphiql-editor .CodeMirror')[1]"
            ".CodeMirror.setValue(arguments[0]);",
            json.dumps({"X-Handlaggare": "anna.handlaggare"}),
        )
        time.sleep(1)  # GraphiQL reads its editors after a pause
        answered = _answer(browser, wait)
    assert "errors" not in answered, answered
    assert answered["data"]["person"]["arbetsformedlingen"]["fornamn"] == "Tolvan"


def test_graphiql_renders_offline_and_runs_the_readme_query(
    browser: webdriver.Chrome, demo: str
) -> None:
    wait = _opened(browser, f"{demo}/")  # redirects to GraphiQL
    assert browser.current_url == f"{demo}/graphql"
    tabs = browser.find_elements(By.CSS_SELECTOR, ".graphiql-tab")
    assert len(tabs) > 5, "the schema guide's uses open as tabs"
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
    outside = [url for url in requested if not url.startswith((demo, "data:", "blob:"))]
    assert outside == [], "every request stays on the facade's origin"
    assert any(url.endswith("/graphiql/graphiql.min.js") for url in requested)
    assert [url for url in addresses if PERSONNUMMER.search(url)] == []
    assert [url for url in requested if PERSONNUMMER.search(url)] == []


def _tab(driver: webdriver.Chrome, wait: WebDriverWait, name: str) -> None:
    """Open the tab of the operation `name`, and wait until its query and variables are in the
    editors."""
    [button] = [
        button
        for button in driver.find_elements(By.CSS_SELECTOR, ".graphiql-tab .graphiql-tab-button")
        if button.text == name
    ]
    button.click()
    [tab] = [tab for tab in examples() if re.match(rf"\s*query {name}\b", tab["query"])]

    def shown(driver: webdriver.Chrome) -> bool:
        # GraphiQL names the operation to run a moment after the query changes: until then it
        # would send the name of the tab left.
        query, operation = driver.execute_script(
            "const editor = document.querySelector('.graphiql-query-editor .CodeMirror')"
            ".CodeMirror; return [editor.getValue(), editor.operationName];"
        )
        variables = _tool_editors(driver)["variables"].strip()
        return (
            query == tab["query"]
            and operation == name
            and variables
            and json.loads(variables) == json.loads(tab["variables"])
        )

    wait.until(shown)


def _shown_person(driver: webdriver.Chrome) -> dict[str, Any] | None:
    """The person of the answer the result pane shows, once it shows one."""
    try:
        return json.loads(_result(driver))["data"]["person"]
    except (ValueError, KeyError, TypeError):
        return None


def _run_label(driver: webdriver.Chrome) -> str:
    """What the run button offers: "Execute query …", or "Stop query …" while an answer comes."""
    button = driver.find_element(By.CSS_SELECTOR, ".graphiql-execute-button")
    return button.get_attribute("aria-label") or ""


def test_a_deferred_tab_shows_its_first_part_and_then_the_benefits(
    browser: webdriver.Chrome,
) -> None:
    """The caseworker's screen (`Arendevy`) in demo mode, with LEFI's question (FK/PM) held
    until the pane has shown the first part: Arbetsförmedlingen and Transportstyrelsen are shown
    without the benefits and the run button offers Stop; once LEFI answers, the benefits are
    merged into the same answer. The order is made by the hold, not by a latency. The page asked
    for parts (`Accept` names multipart/mixed) and was answered in parts."""
    held = HeldTransport(
        demo_transport(), only=lambda request: b'FK inkludera="true"' in request.content
    )
    app = create_app(load_settings({"SSBTEK_AUDIT_FILE": "/dev/null"}), transport=held)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with serving(app) as base:
        try:
            wait = _opened(browser, f"{base}/graphql")
            _tab(browser, wait, "Arendevy")
            browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
            wait.until(lambda driver: _shown_person(driver) is not None)
            first = _shown_person(browser)
            assert first is not None
            assert eventually(lambda: held.arrived == 1), "LEFI's question is asked, and held"
            assert set(first) == {"arbetsformedlingen", "transportstyrelsen"}, first
            assert first["arbetsformedlingen"]["fornamn"] == "Tolvan"
            assert first["transportstyrelsen"]["fordon"]
            assert _run_label(browser).startswith("Stop"), "more of the answer is to come"
            browser.save_screenshot(str(ARTIFACTS / "graphiql-defer-first.png"))
        finally:
            held.release()
        wait.until(lambda driver: "forsakringskassan" in (_shown_person(driver) or {}))
        wait.until(lambda driver: _run_label(driver).startswith("Execute"))
        answer = json.loads(_result(browser))
        browser.save_screenshot(str(ARTIFACTS / "graphiql-defer-merged.png"))
        events = _network(browser)
    assert "errors" not in answer, answer
    person = answer["data"]["person"]
    assert {key: person[key] for key in first} == first, "the first part stays as it was shown"
    assert set(person) == {*first, "forsakringskassan", "manadssummor"}
    assert person["forsakringskassan"]["sjukpenning"]
    assert {total["kalla"] for total in person["manadssummor"]["totaler"]} == {"FK", "PM"}
    [request] = [
        e["params"]
        for e in events
        if e["method"] == "Network.requestWillBeSent"
        and e["params"]["request"]["url"] == f"{base}/graphql"
        and '"Arendevy"' in e["params"]["request"].get("postData", "")
    ]
    assert "multipart/mixed" in _header(request["request"]["headers"], "accept")
    [response] = [
        e["params"]["response"]
        for e in events
        if e["method"] == "Network.responseReceived"
        and e["params"]["requestId"] == request["requestId"]
    ]
    assert _header(response["headers"], "content-type").startswith("multipart/mixed")
    assert not PERSONNUMMER.search(request["request"]["url"])
