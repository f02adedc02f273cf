"""`@defer` and `@stream`: what SSBTEK is asked (one question for what the first payload needs,
one for each deferred fragment's further agencies), what the client is sent (`multipart/mixed`,
the RFC's payloads, in order), and the rules that hold for any operation (limits, errors, the
audit, the metrics, trusted documents, CORS) holding for these too."""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

import httpx
import pytest

from graph.app import create_app
from graph.settings import load_settings
from resolvers.loader import OperationLoader
from schema.execution import FacadeExecutionContext
from simulator.app import SimulatorConfig
from simulator.latency import LatencyModel
from tests.support import (
    CASEWORKER,
    PERIOD,
    Facade,
    Simulator,
    facade,
    facade_app,
    facade_env,
    post_scope,
    serving,
    simulator,
)
from tests.support.faulty_upstream import FaultyUpstream, Mode
from tests.support.held import HeldTransport
from tests.support.inprocess import started
from tests.support.multipart import PartReader, merged, payloads_of, without_directives
from tests.support.queries import answered_fields, wide_screen

ALLA = "198503151238"
PM_OTILLGANGLIG = "194808081238"
MULTIPART = "multipart/mixed"
HEAD = "query Screen($period: PeriodInput!)"
ARGS = 'period: $period, arende: "EKB-1"'

# A caseworker's screen: Arbetsförmedlingen and Transportstyrelsen at once, the benefits below.
SCREEN = f"""{HEAD} {{ person(personnummer: "{ALLA}", {ARGS}) {{
  arbetsformedlingen {{ fornamn efternamn }}
  transportstyrelsen {{ fordon {{ regnr }} }}
  ... @defer(label: "formaner") {{ forsakringskassan {{ sjukpenning {{ aktivt }} }} }}
}} }}"""


def multipart(
    api: Facade, query: str, variables: dict[str, Any] | None = None, **body: Any
) -> tuple[httpx.Response, list[dict]]:
    """POST an operation (with more of the body, e.g. `operationName`) as a client that takes
    parts; the response and its payloads."""
    request = {"query": query, "variables": variables or {"period": PERIOD}, **body}
    response = api.post(request, accept=MULTIPART)
    assert response.status_code == 200, response.text
    return response, payloads_of(response.content, response.headers["content-type"])


def without_locations(error: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in error.items() if key != "locations"}


def asked(sim: Simulator) -> list[list[str]]:
    """The agencies of each question SSBTEK was asked, in a fixed order."""
    return sorted(sorted(question["included"]) for question in sim.questions())


# -- one question per delivery ------------------------------------------------------------------


def test_a_deferred_fragment_is_asked_in_a_question_of_its_own(
    api: Facade, fresh: Simulator
) -> None:
    response, payloads = multipart(api, SCREEN)
    assert response.headers["content-type"].startswith("multipart/mixed")
    assert asked(fresh) == [["AF", "TNS"], ["FK"]]
    first, *later = payloads
    person = first["data"]["person"]
    assert set(person) == {"arbetsformedlingen", "transportstyrelsen"}
    assert first["pending"] == [{"id": "0", "path": ["person"], "label": "formaner"}]
    assert first["hasNext"] is True
    [entry] = [entry for payload in later for entry in payload.get("incremental", [])]
    assert entry["id"] == "0" and set(entry["data"]) == {"forsakringskassan"}
    # What a client of the 2022 format reads instead of the id.
    assert entry["path"] == ["person"] and entry["label"] == "formaner"
    fresh.clear()
    assert merged(payloads) == api.query(without_directives(SCREEN), {"period": PERIOD})


def test_a_plain_http_client_reads_the_parts_in_the_order_the_agencies_answer() -> None:
    """Over a real socket, with the simulator's latency model on (AF and TNS answer in some
    200 ms, LEFI in some 900): a plain HTTP client reads the payload of AF and TNS first and
    the benefits after it."""
    latency = LatencyModel(enabled=True)
    with (
        simulator(SimulatorConfig(latency=latency)) as sim,
        serving(facade_app(facade_env(sim.url))) as base,
        httpx.stream(
            "POST",
            f"{base}/graphql",
            json={"query": SCREEN, "variables": {"period": PERIOD}},
            headers={"X-Handlaggare": CASEWORKER, "accept": MULTIPART},
            timeout=120,
        ) as response,
    ):
        reader = PartReader(response.headers["content-type"])
        payloads = [payload for chunk in response.iter_raw() for payload in reader.feed(chunk)]
        assert reader.closed
    first, *later = payloads
    assert set(first["data"]["person"]) == {"arbetsformedlingen", "transportstyrelsen"}
    assert first["hasNext"] is True
    [entry] = [entry for payload in later for entry in payload.get("incremental", [])]
    assert set(entry["data"]) == {"forsakringskassan"}
    # The order is the latency model's: every draw of AF's or TNS's wait is shorter than
    # LEFI's shortest.
    slowest_first = max(sum(latency.agencies[a]) for a in ("AF", "TNS"))
    assert slowest_first < latency.agencies["FK"][0]


async def test_the_first_payload_is_sent_while_lefi_is_unanswered(sim: Simulator) -> None:
    """LEFI's question is held until the client has the first payload: it is sent without
    waiting for it, and the benefits follow once LEFI answers. No timing: the order is made."""
    held = HeldTransport(
        sim.transport(), only=lambda request: b'FK inkludera="true"' in request.content
    )
    app = create_app(load_settings(facade_env(sim.url)), transport=held)
    body = json.dumps({"query": SCREEN, "variables": {"period": PERIOD}}).encode()
    scope = post_scope([
        (b"host", b"localhost"), (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()), (b"accept", MULTIPART.encode()),
        (b"x-handlaggare", CASEWORKER.encode()),
    ])  # fmt: skip
    sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    done = asyncio.Event()
    requests = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if requests:
            return requests.pop()
        await done.wait()
        return {"type": "http.disconnect"}

    async with app.router.lifespan_context(app):
        answering = asyncio.ensure_future(app(scope, receive, sent.put))
        start = await sent.get()
        assert start["type"] == "http.response.start" and start["status"] == 200
        reader = PartReader(dict(start["headers"])[b"content-type"].decode())
        first: list[dict[str, Any]] = []
        while not first:
            first = reader.feed((await sent.get())["body"])
        assert held.arrived == 1  # LEFI's question is asked, and held
        assert set(first[0]["data"]["person"]) == {"arbetsformedlingen", "transportstyrelsen"}
        held.release()
        later: list[dict[str, Any]] = []
        while not reader.closed:
            later += reader.feed((await sent.get())["body"])
        done.set()
        await answering
    assert later[-1]["hasNext"] is False
    assert "forsakringskassan" in later[0]["incremental"][0]["data"]


def test_nested_deferred_fragments_each_ask_their_new_agencies(
    api: Facade, fresh: Simulator
) -> None:
    query = f"""{HEAD} {{ person(personnummer: "{ALLA}", {ARGS}) {{
      arbetsformedlingen {{ fornamn }}
      ... @defer(label: "yttre") {{
        csn {{ personer {{ personnummer }} }}
        arbetsformedlingen {{ efternamn }}
        ... @defer(label: "inre") {{ forsakringskassan {{ sjukpenning {{ aktivt }} }} }}
      }}
    }} }}"""
    _, payloads = multipart(api, query)
    assert asked(fresh) == [["AF"], ["CSN"], ["FK"]]
    labels = [
        entry["label"] for payload in payloads[1:] for entry in payload.get("incremental", [])
    ]
    assert sorted(labels) == ["inre", "yttre"]
    fresh.clear()
    assert merged(payloads) == api.query(without_directives(query), {"period": PERIOD})


def test_aliases_and_a_fragment_that_needs_nothing_new(api: Facade, fresh: Simulator) -> None:
    """An alias is a field like any; a deferred fragment whose agencies the first payload
    already asks asks nothing more."""
    query = f"""{HEAD} {{ p: person(personnummer: "{ALLA}", {ARGS}) {{
      af: arbetsformedlingen {{ fornamn }}
      ... @defer {{ igen: arbetsformedlingen {{ efternamn }} }}
      ... @defer(label: "fk") {{ fk: forsakringskassan {{ sjukpenning {{ aktivt }} }} }}
    }} }}"""
    _, payloads = multipart(api, query)
    assert asked(fresh) == [["AF"], ["FK"]]
    answer = merged(payloads)
    assert answer["data"]["p"]["igen"]["efternamn"] == "Tolvansson"
    fresh.clear()
    assert answer == api.query(without_directives(query), {"period": PERIOD})


@pytest.mark.parametrize(
    ("directives", "value", "deferred"),
    [
        ("@defer @include(if: $x)", True, True),
        ("@defer @include(if: $x)", False, None),
        ("@defer @skip(if: $x)", True, None),
        ("@defer(if: $x)", False, False),
    ],
)
def test_include_skip_and_if_on_a_deferred_fragment(
    api: Facade, fresh: Simulator, directives: str, value: bool, deferred: bool | None
) -> None:
    """A fragment left out asks nothing; one deferred with `if: false` is in the first payload
    and its agencies in the first question."""
    query = f"""query($period: PeriodInput!, $x: Boolean!) {{
      person(personnummer: "{ALLA}", {ARGS}) {{
        arbetsformedlingen {{ fornamn }}
        ... {directives} {{ forsakringskassan {{ sjukpenning {{ aktivt }} }} }}
      }} }}"""
    response = api.post(
        {"query": query, "variables": {"period": PERIOD, "x": value}},
        accept=f"{MULTIPART}, application/json",
    )
    assert response.status_code == 200
    if deferred:
        assert response.headers["content-type"].startswith(MULTIPART)
        assert asked(fresh) == [["AF"], ["FK"]]
        return
    assert response.headers["content-type"].startswith("application/json")
    person = response.json()["data"]["person"]
    if deferred is None:
        assert asked(fresh) == [["AF"]] and "forsakringskassan" not in person
    else:
        assert asked(fresh) == [["AF", "FK"]] and person["forsakringskassan"]["sjukpenning"]


def test_people_of_personer_and_hushall_each_follow_the_rule(api: Facade, fresh: Simulator) -> None:
    second = "199001011239"
    query = f"""{HEAD} {{
      personer(personnummer: ["{ALLA}", "{second}"], {ARGS}) {{
        personnummer arbetsformedlingen {{ fornamn }}
        ... @defer {{ forsakringskassan {{ sjukpenning {{ aktivt }} }} }}
      }}
      hushall(sokande: "{ALLA}", barn: ["{second}"], {ARGS}) {{
        medlemmar {{ roll person {{
          transportstyrelsen {{ fordon {{ regnr }} }}
          ... @defer {{ csn {{ personer {{ personnummer }} }} }}
        }} }}
      }} }}"""
    _, payloads = multipart(api, query)
    by_person: dict[str, list[list[str]]] = {}
    for question in fresh.questions():
        by_person.setdefault(question["personidentitet"], []).append(sorted(question["included"]))
    # Each person is one key: the agencies of its first payload (both root fields') in one
    # question, then each root field's deferred fragment's in one of its own.
    for number in (ALLA, second):
        assert sorted(by_person[number]) == [["AF", "TNS"], ["CSN"], ["FK"]]
    fresh.clear()
    assert merged(payloads) == api.query(without_directives(query), {"period": PERIOD})


def test_the_fast_path_completes_a_deferred_fragment_as_it_does_without_defer(
    api: Facade, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deferring costs the fast path nothing: the plain data of a deferred fragment (every
    field of FK and PM, some 10,000) is completed in one pass, graphql-core executing the same
    few fields as without `@defer` (`bench/incremental.py` measures the CPU)."""
    executed = 0
    execute_field = FacadeExecutionContext.execute_field

    def counting(self: Any, *args: Any) -> Any:
        nonlocal executed
        executed += 1
        return execute_field(self, *args)

    monkeypatch.setattr(FacadeExecutionContext, "execute_field", counting)
    query, variables = wide_screen(), {"pnr": ALLA, "period": PERIOD}
    _, payloads = multipart(api, query, variables)
    deferred, executed = executed, 0
    answer = api.query(without_directives(query), variables)
    assert merged(payloads) == answer
    assert answered_fields(answer["data"]) > 10_000
    assert deferred == executed < 100


# -- bounds -------------------------------------------------------------------------------------


FOUR_FRAGMENTS = f"""{HEAD} {{ person(personnummer: "{ALLA}", {ARGS}) {{
  arbetsformedlingen {{ fornamn }}
  ... @defer(label: "a") {{ transportstyrelsen {{ fordon {{ regnr }} }} }}
  ... @defer(label: "b") {{ csn {{ personer {{ personnummer }} }} }}
  ... @defer(label: "c") {{ migrationsverket {{ fornamn }} }}
  ... @defer(label: "d") {{ forsakringskassan {{ sjukpenning {{ aktivt }} }} }}
}} }}"""


@pytest.mark.parametrize(
    ("per_person", "questions"),
    [
        ("3", [["AF"], ["CSN", "FK", "MIV"], ["TNS"]]),
        ("1", [["AF", "CSN", "FK", "MIV", "TNS"]]),
        ("5", [["AF"], ["CSN"], ["FK"], ["MIV"], ["TNS"]]),
    ],
)
def test_past_the_bound_later_fragments_share_the_last_question(
    sim: Simulator, per_person: str, questions: list[list[str]]
) -> None:
    with facade(facade_env(sim.url, SSBTEK_MAX_QUESTIONS_PER_PERSON=per_person)) as api:
        sim.clear()
        _, payloads = multipart(api, FOUR_FRAGMENTS)
        assert asked(sim) == questions
        assert set(merged(payloads)["data"]["person"]) == {
            "arbetsformedlingen",
            "transportstyrelsen",
            "csn",
            "migrationsverket",
            "forsakringskassan",
        }


def test_deferred_questions_count_against_the_operations_budget(sim: Simulator) -> None:
    """Five questions for one person, four allowed per operation: refused whole, nothing
    asked."""
    env = facade_env(
        sim.url, SSBTEK_MAX_QUESTIONS_PER_PERSON="5", SSBTEK_MAX_QUESTIONS_PER_OPERATION="4"
    )
    with facade(env) as api:
        sim.clear()
        response = api.post(
            {"query": FOUR_FRAGMENTS, "variables": {"period": PERIOD}}, accept=MULTIPART
        )
        codes = {e["extensions"]["code"] for e in response.json()["errors"]}
        assert codes == {"TOO_MANY_QUESTIONS"}
        assert sim.questions() == []


def test_the_directives_of_one_operation_are_bounded(sim: Simulator) -> None:
    fragment = "fragment Fk on Person { forsakringskassan { sjukpenning { aktivt } } }"
    spreads = " ".join(f"f{i}: arbetsformedlingen {{ fornamn }} ...Fk @defer" for i in range(3))
    query = f'{HEAD} {{ person(personnummer: "{ALLA}", {ARGS}) {{ {spreads} }} }} {fragment}'
    with facade(facade_env(sim.url, SSBTEK_MAX_DEFERRED="2")) as api:
        sim.clear()
        answer = api.post({"query": query, "variables": {"period": PERIOD}}, accept=MULTIPART)
        [error] = answer.json()["errors"]
        assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert "more than 2 deferred fragments and streamed lists" in error["message"]
        assert sim.questions() == []


def test_a_deferred_agency_held_in_the_cache_costs_no_call(sim: Simulator) -> None:
    with facade(facade_env(sim.url, SSBTEK_CACHE_TTL_S="60")) as api:
        warm = f"""{HEAD} {{ person(personnummer: "{ALLA}", {ARGS}) {{
          forsakringskassan {{ sjukpenning {{ aktivt }} }} }} }}"""
        assert "errors" not in api.query(warm, {"period": PERIOD})
        sim.clear()
        _, payloads = multipart(api, SCREEN)
        assert asked(sim) == [["AF", "TNS"]]
        assert merged(payloads)["data"]["person"]["forsakringskassan"]["sjukpenning"]


# -- @stream ------------------------------------------------------------------------------------


PEOPLE = ["198503151238", "199001011239", "198807141232", "198202201235"]


def test_streamed_people_come_in_the_order_given(api: Facade, fresh: Simulator) -> None:
    numbers = json.dumps(PEOPLE)
    query = f"""{HEAD} {{ personer(personnummer: {numbers}, {ARGS}) @stream(initialCount: 1) {{
      personnummer arbetsformedlingen {{ fornamn }} }} }}"""
    _, payloads = multipart(api, query)
    first, *later = payloads
    assert [p["personnummer"] for p in first["data"]["personer"]] == PEOPLE[:1]
    streamed = [
        (entry["path"], item["personnummer"])
        for payload in later
        for entry in payload.get("incremental", [])
        for item in entry["items"]
    ]
    assert [number for _, number in streamed] == PEOPLE[1:]
    # Each entry's `path` names the list and the index of its first item (the 2022 format).
    assert all(path[0] == "personer" and isinstance(path[1], int) for path, _ in streamed)
    assert len(fresh.questions()) == len(PEOPLE)
    fresh.clear()
    assert merged(payloads) == api.query(without_directives(query), {"period": PERIOD})


@pytest.mark.parametrize(
    ("head", "stream", "variables"),
    [
        ("", "@stream(initialCount: -1)", {}),
        (", $n: Int", "@stream(initialCount: $n)", {"n": None}),
        (", $x: Boolean", "@stream(initialCount: 1, if: $x)", {"x": None}),
    ],
)
def test_a_stream_given_a_bad_count_or_condition_is_the_callers_error(
    api: Facade, api_slow: Facade, head: str, stream: str, variables: dict[str, Any]
) -> None:
    """graphql-core refuses a negative or null `initialCount` (uncoded, as a ValueError) and a
    null `if`: the list is null with BAD_USER_INPUT, never an internal error, on both paths."""
    query = f"""query($period: PeriodInput!{head}) {{
      personer(personnummer: {json.dumps(PEOPLE[:2])}, {ARGS}) {stream} {{ personnummer }} }}"""
    for each in (api, api_slow):
        body = {"query": query, "variables": {"period": PERIOD, **variables}}
        answer = each.post(body, accept=MULTIPART).json()
        assert answer["data"] == {"personer": None}
        [error] = answer["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["path"] == ["personer"]


def test_a_list_streamed_inside_a_person_is_streamed_on_the_fast_path_too(
    api: Facade, api_slow: Facade
) -> None:
    """`@stream` on a list of plain data that the fast path would complete in one pass:
    graphql-core streams it, as it does with the fast path off."""
    query = f"""{HEAD} {{ person(personnummer: "{ALLA}", {ARGS}) {{
      forsakringskassan {{ sjukpenning @stream(initialCount: 0) {{ aktivt }} }} }} }}"""
    fast, slow = multipart(api, query)[1], multipart(api_slow, query)[1]
    assert [sorted(payload) for payload in fast] == [sorted(payload) for payload in slow]
    assert fast[0]["data"]["person"]["forsakringskassan"]["sjukpenning"] == []
    assert len(fast) > 1 and merged(fast) == merged(slow)


# -- what the client may take ------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "application/graphql-response+json",
        "*/*",
        "multipart/*",
        f"{MULTIPART};q=0, application/json",
        None,
    ],
)
def test_a_client_that_does_not_take_parts_is_told_so(
    api: Facade, fresh: Simulator, accept: str | None
) -> None:
    headers = {} if accept is None else {"accept": accept}
    response = api.post({"query": SCREEN, "variables": {"period": PERIOD}}, **headers)
    assert response.status_code == 406
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "NOT_ACCEPTABLE"
    assert "multipart/mixed" in error["message"]
    assert fresh.questions() == []


@pytest.mark.parametrize(
    "accept",
    [
        "multipart/mixed;deferSpec=20220824, application/json",  # Apollo Client's 2022 handler
        "multipart/mixed;incrementalSpec=v0.2, application/graphql-response+json",  # Apollo 4
        "application/graphql-response+json, application/json, text/event-stream, "
        "multipart/mixed",  # urql
    ],
)
def test_the_accept_headers_of_the_clients_get_parts(api: Facade, accept: str) -> None:
    response = api.post({"query": SCREEN, "variables": {"period": PERIOD}}, accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == 'multipart/mixed; boundary="graphql"'


def test_an_operation_without_the_directives_is_one_answer_for_a_client_that_takes_parts(
    api: Facade,
) -> None:
    query = without_directives(SCREEN)
    response = api.post({"query": query, "variables": {"period": PERIOD}}, accept=MULTIPART)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")


# -- errors -------------------------------------------------------------------------------------


def test_a_failing_deferred_question_erases_nothing_sent_before(sim: Simulator) -> None:
    """The question of the deferred benefits fails (SSBTEK answers HTTP 503): its fields are
    null with the error in their payload, coded; the first payload stands as it was."""
    upstream = FaultyUpstream(only=lambda body: b'FK inkludera="true"' in body)
    upstream.mode = Mode.HTTP_503
    app = create_app(load_settings(facade_env(sim.url)), transport=httpx.ASGITransport(upstream))
    with started(app) as api:
        _, payloads = multipart(api, SCREEN)
    first, *later = payloads
    assert first["data"]["person"]["arbetsformedlingen"]["fornamn"] == "Tolvan"
    assert "errors" not in first
    [entry] = [entry for payload in later for entry in payload.get("incremental", [])]
    assert entry["data"] == {"forsakringskassan": None}
    [error] = entry["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["path"] == ["person", "forsakringskassan"]
    assert upstream.hamta_calls == 2


def test_a_view_lacking_a_source_reports_it_in_its_own_payload(
    api: Facade, fresh: Simulator
) -> None:
    """Pensionsmyndigheten is unavailable: the deferred `utbetalningar` names it in `saknade`
    and reports SOURCE_UNAVAILABLE beside it, in the payload that delivers it, not the first."""
    query = f"""{HEAD} {{ person(personnummer: "{PM_OTILLGANGLIG}", {ARGS}) {{
      arbetsformedlingen {{ fornamn }}
      ... @defer {{ utbetalningar {{ rader {{ kalla brutto }} saknade {{ kalla }} }} }}
    }} }}"""
    _, payloads = multipart(api, query)
    first, *later = payloads
    assert "errors" not in first
    [entry] = [entry for payload in later for entry in payload.get("incremental", [])]
    assert {"kalla": "PM"} in entry["data"]["utbetalningar"]["saknade"]
    codes = {error["extensions"]["code"] for error in entry["errors"]}
    assert codes == {"SOURCE_UNAVAILABLE"}
    assert all(error["path"] == ["person", "utbetalningar"] for error in entry["errors"])
    fresh.clear()
    whole, single = merged(payloads), api.query(without_directives(query), {"period": PERIOD})
    assert whole["data"] == single["data"]
    # The same errors; their columns differ by the directive left out.
    assert [without_locations(e) for e in whole["errors"]] == [
        without_locations(e) for e in single["errors"]
    ]


def test_answers_in_parts_are_bounded_together(sim: Simulator, audit_lines: list) -> None:
    """The first payload fits, the benefits do not: the answer ends with RESPONSE_TOO_LARGE on
    the fragment still open, the refusal is audited, and the operation counted so."""
    with facade(facade_env(sim.url, SSBTEK_MAX_RESPONSE_BYTES="300")) as api:
        _, payloads = multipart(api, SCREEN, operationName="Screen")
        page = api.request("GET", "/metrics").text
    counted = 'ssbtek_graphql_operations_total{operation="Screen",outcome="RESPONSE_TOO_LARGE"} 1.0'
    assert counted in page
    first, last = payloads[0], payloads[-1]
    assert first["data"]["person"]["arbetsformedlingen"]
    assert last["hasNext"] is False and "incremental" not in last
    [completed] = last["completed"]
    assert completed["id"] == "0"
    assert completed["errors"][0]["extensions"]["code"] == "RESPONSE_TOO_LARGE"
    assert any(line.get("reason") == "RESPONSE_TOO_LARGE" for line in audit_lines)


def test_a_first_payload_too_large_is_refused_whole_and_its_answers_let_go(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused at its first payload, an answer in parts never starts its later ones: its
    answers are let go all the same (not left to a full garbage collection)."""
    released: list[int] = []
    release = OperationLoader.release

    def noting(loader: OperationLoader) -> None:
        release(loader)
        released.append(len(loader._fetches))

    monkeypatch.setattr(OperationLoader, "release", noting)
    with facade(facade_env(sim.url, SSBTEK_MAX_RESPONSE_BYTES="100")) as api:
        response = api.post({"query": SCREEN, "variables": {"period": PERIOD}}, accept=MULTIPART)
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "RESPONSE_TOO_LARGE"
    assert released == [0]


# -- what covers every operation ----------------------------------------------------------------


def test_an_operation_in_parts_refused_for_its_input_is_audited_once(
    api: Facade, audit_lines: list
) -> None:
    """Two deferred fragments, each with a condition given as null: each payload says so, the
    audit says it once for the operation, as for the same operation in one answer."""
    query = f"""query($period: PeriodInput!, $x: Boolean = true) {{
      person(personnummer: "{ALLA}", {ARGS}) {{ arbetsformedlingen {{ fornamn }}
        ... @defer {{ forsakringskassan {{ sjukpenning @include(if: $x) {{ aktivt }} }} }}
        ... @defer {{ transportstyrelsen {{ fordon @include(if: $x) {{ regnr }} }} }} }} }}"""
    variables = {"period": PERIOD, "x": None}
    _, payloads = multipart(api, query, variables)
    codes = [error["extensions"]["code"] for error in merged(payloads)["errors"]]
    assert codes == ["BAD_USER_INPUT", "BAD_USER_INPUT"]
    refused = [line for line in audit_lines if line["event"] == "refused"]
    assert [line["reason"] for line in refused] == ["BAD_USER_INPUT"]
    api.query(without_directives(query), variables)
    refused = [line for line in audit_lines if line["event"] == "refused"]
    assert [line["reason"] for line in refused] == ["BAD_USER_INPUT"] * 2


def test_accept_given_in_several_header_lines_is_one_list(api: Facade) -> None:
    """`Accept: application/json` and `Accept: multipart/mixed` on two lines name both."""
    response = api.request(
        "POST",
        "/graphql",
        json={"query": SCREEN, "variables": {"period": PERIOD}},
        headers=[
            ("X-Handlaggare", CASEWORKER),
            ("accept", "application/json"),
            ("accept", MULTIPART),
        ],
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(MULTIPART)


def test_the_answers_are_let_go_after_the_last_payload_not_before(
    api: Facade, fresh: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operation's loader lets go of its answers once, when the last payload is made: by
    then both questions were answered, and the loader holds nothing after it (a huge answer
    would otherwise live until a full garbage collection)."""
    released: list[tuple[int, int]] = []
    release = OperationLoader.release

    def noting(loader: OperationLoader) -> None:
        release(loader)
        released.append((len(fresh.questions()), len(loader._fetches)))

    monkeypatch.setattr(OperationLoader, "release", noting)
    _, payloads = multipart(api, SCREEN)
    assert payloads[-1]["hasNext"] is False
    assert released == [(2, 0)]


def test_each_question_has_its_audit_line(api: Facade, fresh: Simulator, audit_lines: list) -> None:
    multipart(api, SCREEN)
    questions = [line for line in audit_lines if line["event"] == "question"]
    assert sorted(sorted(line["agencies"]) for line in questions) == [["AF", "TNS"], ["FK"]]


def test_the_metrics_count_an_operation_in_parts_when_its_last_part_is_sent(sim: Simulator) -> None:
    with facade(facade_env(sim.url)) as api:
        multipart(api, SCREEN, operationName="Screen")
        page = api.request("GET", "/metrics").text
    assert 'ssbtek_graphql_first_payload_seconds_count{operation="Screen"} 1.0' in page
    assert 'ssbtek_graphql_operations_total{operation="Screen",outcome="ok"} 1.0' in page


def test_a_trusted_document_may_defer(sim: Simulator, tmp_path: Any) -> None:
    digest = hashlib.sha256(SCREEN.encode()).hexdigest()
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({digest: SCREEN}))
    env = facade_env(sim.url, SSBTEK_TRUSTED_DOCUMENTS=str(manifest), SSBTEK_TRUSTED_ONLY="true")
    with facade(env) as api:
        response = api.post(
            {"documentId": f"sha256:{digest}", "variables": {"period": PERIOD}}, accept=MULTIPART
        )
    assert response.status_code == 200
    payloads = payloads_of(response.content, response.headers["content-type"])
    assert merged(payloads)["data"]["person"]["forsakringskassan"]


def test_cors_covers_an_answer_in_parts(sim: Simulator) -> None:
    origin = "https://skarm.kommun.example"
    with facade(facade_env(sim.url, SSBTEK_CORS_ORIGINS=origin)) as api:
        response = api.post(
            {"query": SCREEN, "variables": {"period": PERIOD}}, accept=MULTIPART, origin=origin
        )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["content-type"].startswith(MULTIPART)
