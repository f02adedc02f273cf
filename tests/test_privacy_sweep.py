"""No personal data where it does not belong: after a whole sequence of good queries, agency
errors, faults, refusals and bad input, nothing the process wrote (logs at every level, the audit,
stdout and stderr, error messages and `extensions`) holds a personnummer in any written form or a
queried person's name, including caseworker ids that carry one (refused). Only the audit's keyed
hash stands for a person."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from simulator.people import person_for
from simulator.scenarios import scenario_of
from tests.support import CASEWORKER, Simulator, asgi_client, facade_app, facade_env
from tests.support.tokens import jwt_env, pem_public, token

ALLA = "198503151238"
FEL_AF = "198202201235"
FEL_BT = "197505051230"
SOAP_FAULT = "196006061235"
TRASIG = "197210101239"
OTILLGANGLIG = "197003031239"
TRASIGT_INNEHALL = "197909091238"
ORDINARY = "199203041232"
PEOPLE = (ALLA, FEL_AF, FEL_BT, SOAP_FAULT, TRASIG, OTILLGANGLIG, TRASIGT_INNEHALL, ORDINARY)
WRONG_CHECK_DIGIT = "198503151239"
# Caseworker ids that carry ALLA's number: from a gateway (or whoever reaches the port) and as a
# token's `sub` in digits other than ASCII's.
CASEWORKERS_HOLDING_ALLA = ("19850315_1238", "850315:1238", "anna-198503151238", "u198503151238")
FULL_WIDTH = ALLA.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
ARABIC_INDIC = ALLA.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
PERIOD = {"from": "2026-01-01", "tom": "2026-06-30"}

EVERYTHING = """
query($pnr: [Personnummer!]!, $period: PeriodInput!, $arende: String!) {
  personer(personnummer: $pnr, period: $period, arende: $arende) {
    personnummer
    arbetsformedlingen { fel { felkod felmeddelanden } fornamn efternamn }
    akassorna { fel { felkod } arbetsloshetsersattningar { svarandeOrganisation } }
    transportstyrelsen { resultat fordon { regnr } }
    migrationsverket { fel { felkod } fornamn efternamn }
    csn { fel { felkod felmeddelanden } }
    forsakringskassan { fel { felkod felmeddelanden } barnbidrag { ovrigaFalt { path } } }
    skatteverket { fel { felkod felmeddelanden } }
  }
}
"""


def written_forms(number: str) -> list[str]:
    """A 12-digit personnummer as people write it: 12 and 10 digits, with and without `-`/`+`."""
    ten = number[2:]
    return [
        number,
        ten,
        f"{number[:8]}-{number[8:]}",
        f"{ten[:6]}-{ten[6:]}",
        f"{ten[:6]}+{ten[6:]}",
    ]


def names_of(number: str) -> set[str]:
    person = person_for(number, scenario_of(number))
    return {person.fornamn, person.efternamn}


@pytest.fixture
def app(sim: Simulator) -> Any:
    return facade_app(facade_env(sim.url, SSBTEK_INTROSPECTION="true"))


@pytest.fixture
def signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def jwt_app(sim: Simulator, signing_key: Any, tmp_path: Path) -> Any:
    """A facade taking bearer tokens signed with `signing_key`."""
    key_file = tmp_path / "public.pem"
    key_file.write_bytes(pem_public(signing_key))
    return facade_app(jwt_env(sim.url, key_file))


async def test_nothing_personal_is_written_anywhere(
    app: Any,
    jwt_app: Any,
    signing_key: Any,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture,
    audit_lines: list[dict[str, Any]],
) -> None:
    answers: list[dict[str, Any]] = []
    with caplog.at_level(logging.DEBUG):
        async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:

            async def post(body: dict[str, Any], **headers: str) -> None:
                response = await client.post("/graphql", json=body, headers=headers)
                answers.append(response.json())

            await post(
                {
                    "query": EVERYTHING,
                    "variables": {"pnr": list(PEOPLE), "period": PERIOD, "arende": "EKB-9"},
                }
            )
            # bad input: a wrong check digit as a variable and as a literal, a bad arende,
            # a personnummer as arende, a personnummer as an alias
            await post(
                {
                    "query": EVERYTHING,
                    "variables": {"pnr": [WRONG_CHECK_DIGIT], "period": PERIOD, "arende": "A"},
                }
            )
            await post(
                {
                    "query": f'{{ person(personnummer: "{WRONG_CHECK_DIGIT}", period: '
                    '{from: "2026-01-01", tom: "2026-01-31"}, arende: "A") { personnummer } }'
                }
            )
            for arende in ("A B", f"{ALLA[:8]}-{ALLA[8:]}"):
                await post(
                    {
                        "query": EVERYTHING,
                        "variables": {"pnr": [ALLA], "period": PERIOD, "arende": arende},
                    }
                )
            await post(
                {
                    "query": f'{{ p{ALLA}: person(personnummer: "{ALLA}", period: '
                    '{from: "2026-02-01", tom: "2026-01-01"}, arende: "A") { personnummer } }'
                }
            )
            # refusals: no caseworker; a caseworker shaped like a personnummer
            await post({"query": EVERYTHING}, **{"X-Handlaggare": ""})
            await post({"query": "{ tjanstestatus { myndighet } }"}, **{"X-Handlaggare": ALLA})
            # ...or holding one: with separators, after a name, glued to a letter
            for caseworker in CASEWORKERS_HOLDING_ALLA:
                await post({"query": EVERYTHING}, **{"X-Handlaggare": caseworker})
        # a token whose caseworker is a personnummer in full-width or Arabic-Indic digits
        async with asgi_client(jwt_app) as client:
            for caseworker in (FULL_WIDTH, ARABIC_INDIC):
                response = await client.post(
                    "/graphql",
                    json={"query": "{ tjanstestatus { myndighet } }"},
                    headers={"Authorization": f"Bearer {token(signing_key, sub=caseworker)}"},
                )
                answers.append(response.json())

    logs = "\n".join(
        f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if r.name != "httpx"  # the test's own client logs the URLs it calls
    )
    captured = capsys.readouterr()
    # Messages and extensions; an error's `path` is the caller's own aliases, echoed to it.
    errors = json.dumps(
        [(e["message"], e.get("extensions")) for a in answers for e in a.get("errors", [])],
        ensure_ascii=False,
    )
    haystacks = {
        "logs": logs,
        "audit": "\n".join(json.dumps(line, ensure_ascii=False) for line in audit_lines),
        "stdout": captured.out,
        "stderr": captured.err,
        "errors": errors,
    }
    # The sweep saw something: every kind of output it searches was written to.
    assert "ssbtek_graphql.access" in logs and "graphql error code=" in logs
    assert "data" in answers[0] and answers[0]["data"], answers[0]
    assert len(audit_lines) >= len(PEOPLE) + 5
    assert any(line["event"] == "refused" for line in audit_lines)
    assert '"event":"question"' in captured.out
    assert errors.count('"code"') >= 10
    refused = [line for line in audit_lines if line.get("reason") == "UNAUTHENTICATED"]
    assert len(refused) == 2 + len(CASEWORKERS_HOLDING_ALLA) + 2

    for number in (*PEOPLE, WRONG_CHECK_DIGIT):
        for form in written_forms(number):
            for where, text in haystacks.items():
                assert form not in text, f"{form} in {where}"
    for form in (*CASEWORKERS_HOLDING_ALLA, FULL_WIDTH, ARABIC_INDIC):
        for where, text in haystacks.items():
            assert form not in text, f"{form} in {where}"
    names = set().union(*(names_of(n) for n in PEOPLE))
    for name in names:
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        for where, text in haystacks.items():
            assert not pattern.search(text), f"{name} in {where}"
    # ...while the data itself did answer with the people's numbers and names.
    data = json.dumps(answers[0]["data"], ensure_ascii=False)
    assert ALLA in data and "Tolvansson" in data
