"""CSN: its payload typed, its own period asked, an unreadable payload a facade error."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.decode import csn as csn_decoder
from resolvers.decode.csn import csn_date, csn_week
from resolvers.xmlread import PayloadError, parse_xml
from simulator.app import SimulatorConfig
from tests.support import PERIOD, Facade, Simulator, facade, facade_env, simulator

ALLA = "198503151238"
SKYDDAD = "197707071234"
TRASIGT = "197909091238"
SSBT = "http://schema.forsakringskassan.se/integration/ssbt/11"
CSN = "http://schema.csn.se"

CSN_QUERY = """
query($pnr: Personnummer!, $period: PeriodInput!, $csn: PeriodInput) {
  person(personnummer: $pnr, period: $period, arende: "A-1") {
    csn(period: $csn) {
      fel { kalla felkod }
      schemaVersion resultatKod
      personer {
        personnummer personnummerCsn sekel status sekretess
        studiestodstyper { studiemedel studiehjalp omstallningsstudiestod }
        studiemedel { lopnummer stodform klartext status
          soktaTider { soktfrom sokttom soktomfattning soktlan }
          beviljadeTider { starttid { ar vecka text forstaDag sistaDag } sluttid { text } takt
            belopp { beloppstyp klartext belopp totbelopp } totbelopp }
          utbetalningsplan { utbetdatum utbetstatus totbelopp
            utbetaldaTider { startvecka { text } slutvecka { text }
              belopp { beloppstyp belopp } } } }
        studiehjalp { stodform utbetalningsplan { utbetdatum } }
        hemutrustningslan { stodform utbetalningsplan { utbetdatum totbelopp
          utbetaldaTider { belopp { beloppstyp belopp } } } }
        studiestartsstod { stodform } omstallningsstudiestod { stodform }
      }
    }
  }
}
"""


def csn(api: Facade, number: str, own: dict | None = None) -> dict:
    answer = api.query(CSN_QUERY, {"pnr": number, "period": PERIOD, "csn": own})
    assert "errors" not in answer, answer["errors"]
    return answer["data"]["person"]["csn"]


def test_csn_cases_are_typed(api: Facade) -> None:
    data = csn(api, ALLA)
    assert (data["fel"], data["schemaVersion"], data["resultatKod"]) == (None, "4.0", "0")
    [person] = data["personer"]
    assert person["personnummer"] == ALLA  # sekel + 10 digits
    assert person["personnummerCsn"] == ALLA[2:]
    assert person["status"] is None and person["sekretess"] is None  # blank-padded
    for form in ("studiemedel", "studiehjalp", "hemutrustningslan", "studiestartsstod",
                 "omstallningsstudiestod"):  # fmt: skip
        assert person[form], form
    [case] = person["studiemedel"]
    week = case["beviljadeTider"][0]["starttid"]
    assert date.fromisoformat(week["forstaDag"]).isocalendar()[:2] == (week["ar"], week["vecka"])
    assert week["text"] == f"{week['ar']:04d}{week['vecka']:02d}"
    payments = case["utbetalningsplan"]
    assert [p["utbetdatum"] for p in payments] == [f"2026-0{m}-25" for m in range(1, 7)]
    for payment in payments:
        rows = payment["utbetaldaTider"][0]["belopp"]
        assert payment["totbelopp"] == sum(r["belopp"] for r in rows)


def test_csn_period_overrides_the_general_period(api: Facade, fresh: Simulator) -> None:
    own = {"from": "2026-03-01", "tom": "2026-04-30"}
    [person] = csn(api, ALLA, own)["personer"]
    dates = [p["utbetdatum"] for p in person["studiemedel"][0]["utbetalningsplan"]]
    assert dates == ["2026-03-25", "2026-04-25"]
    [question] = fresh.questions()
    assert question["periods"] == {"CSN": own}
    assert question["tidsperiod"] == PERIOD


def test_protected_identity_keeps_csn_sekretess(api: Facade) -> None:
    [person] = csn(api, SKYDDAD)["personer"]
    assert person["sekretess"] == "J"


@pytest.fixture(scope="module")
def api_csn3() -> Iterator[Facade]:
    """A facade in front of a simulator whose CSN answers in schema version 3.0."""
    with (
        simulator(SimulatorConfig(csn_schema_version="3.0")) as old,
        facade(facade_env(old.url)) as api,
    ):
        yield api


def test_csn_schema_version_3_is_read(api_csn3: Facade) -> None:
    data = csn(api_csn3, ALLA)
    assert data["schemaVersion"] == "3.0"
    [person] = data["personer"]
    assert person["studiemedel"][0]["stodform"] == "GRUND"
    assert person["omstallningsstudiestod"] == []
    assert person["studiestodstyper"]["omstallningsstudiestod"] is None


def _csn_data(document: str) -> object:
    encoded = base64.b64encode(document.encode()).decode()
    return parse_xml(f'<s:data xmlns:s="{SSBT}"><s:svar>{encoded}</s:svar></s:data>', "t")


def test_a_version_3_document_like_the_published_sample() -> None:
    svar = csn_decoder.decode(
        _csn_data(
            '<CSNSvar schemaVersion="3.0" xmlns="http://schema.csn.se/v3.0/kommunfraga" '
            'xmlns:p="http://schema.csn.se/v3.0/person" xmlns:t="http://schema.csn.se/v3.0/csntyper">'
            "<GemensamtSvarEkbistand><Resultat><ResultatKod>0</ResultatKod>"
            "<ResultatText>Allt OK</ResultatText></Resultat></GemensamtSvarEkbistand>"
            '<GemensamtFragaEkbistand/><Personer><Person personnummer="9001011239" '
            'Status="Ej träff  " sekretess="  " sekel="19"><p:Studiestodstypforteckning>'
            "<t:studiemedel>0</t:studiemedel></p:Studiestodstypforteckning><p:Studiemedel/>"
            "<p:Studiehjalp/><p:HemutrustningsLan/><p:Studiestartsstod/></Person></Personer>"
            "</CSNSvar>"
        )
    )
    [person] = svar.personer
    assert (person.personnummer, person.status, person.sekretess) == (
        "199001011239",
        "Ej träff",
        None,
    )
    assert person.studiemedel == [] and person.omstallningsstudiestod == []


def test_values_csn_left_out_are_null_not_made_up() -> None:
    svar = csn_decoder.decode(
        _csn_data(
            '<CSNSvar schemaVersion="4.0" xmlns="http://schema.csn.se/v4.0/kommunfraga" '
            'xmlns:p="http://schema.csn.se/v4.0/person" xmlns:t="http://schema.csn.se/v4.0/csntyper">'
            "<Personer><Person><p:Studiemedel><p:Arenden><p:Arende><t:BeviljadeTider>"
            "<t:BeviljadTid><t:Beloppen><t:Belopp/></t:Beloppen></t:BeviljadTid>"
            "</t:BeviljadeTider></p:Arende></p:Arenden></p:Studiemedel></Person></Personer>"
            "</CSNSvar>"
        )
    )
    [person] = svar.personer
    assert (person.personnummer, person.personnummer_csn) == (None, None)
    [arende] = person.studiemedel
    assert (arende.stodform, arende.klartext) == (None, None)
    [belopp] = arende.beviljade_tider[0].belopp
    assert (belopp.beloppstyp, belopp.klartext) == (None, None)


@pytest.mark.parametrize(
    ("document", "why"),
    [
        (f'<CSNSvar schemaVersion="5.0" xmlns="{CSN}/v5.0/kommunfraga"/>', "schemaVersion"),
        (f'<CSNSvar schemaVersion="4.0" xmlns="{CSN}/v3.0/kommunfraga"/>', "schemaVersion"),
        ("<CSNSvar", "well-formed"),
    ],
)  # fmt: skip
def test_unreadable_csn_documents_are_refused(document: str, why: str) -> None:
    with pytest.raises(PayloadError, match=why):
        csn_decoder.decode(_csn_data(document))


@given(st.dates(min_value=date(1000, 1, 1)))
def test_csn_dates_read_back(day: date) -> None:
    assert csn_date(day.strftime("%Y%m%d")) == day


@given(st.dates(min_value=date(1000, 1, 1)))
def test_csn_weeks_read_back(day: date) -> None:
    year, week, _ = day.isocalendar()
    parsed = csn_week(f"{year:04d}{week:02d}")
    assert parsed is not None and parsed.forsta_dag <= day <= parsed.sista_dag
    monday = day - timedelta(days=day.isoweekday() - 1)
    assert (parsed.ar, parsed.vecka) == (year, week)
    assert (parsed.forsta_dag, parsed.sista_dag) == (monday, monday + timedelta(days=6))


@pytest.mark.parametrize("empty", ["0", "", "  ", None])
def test_csn_zero_means_no_date_or_week(empty: str | None) -> None:
    assert csn_date(empty) is None and csn_week(empty) is None


@pytest.mark.parametrize("bad", ["20260230", "2026011", "abcdefgh"])
def test_bad_csn_dates(bad: str) -> None:
    with pytest.raises(PayloadError):
        csn_date(bad)


@pytest.mark.parametrize("bad", ["202654", "202600", "20261"])
def test_bad_csn_weeks(bad: str) -> None:
    with pytest.raises(PayloadError):
        csn_week(bad)


def test_unreadable_payloads_are_facade_errors_and_the_rest_answers(api: Facade) -> None:
    answer = api.query(
        "query($pnr: Personnummer!, $period: PeriodInput!) { "
        'person(personnummer: $pnr, period: $period, arende: "A-1") { '
        "csn { fel { kalla felkod felmeddelanden } personer { personnummer } } "
        "skatteverket { fel { kalla felkod } } forsakringskassan { fel { kalla felkod } } "
        "transportstyrelsen { resultat } } }",
        {"pnr": TRASIGT, "period": PERIOD},
    )
    assert "errors" not in answer
    person = answer["data"]["person"]
    assert person["csn"]["fel"]["kalla"] == "FACADE"
    assert person["csn"]["fel"]["felkod"] == "INVALID_PAYLOAD"
    assert "base64" in person["csn"]["fel"]["felmeddelanden"][0]
    assert person["csn"]["personer"] is None
    assert person["skatteverket"]["fel"] == {"kalla": "FACADE", "felkod": "INVALID_PAYLOAD"}
    assert person["forsakringskassan"]["fel"] == {"kalla": "FACADE", "felkod": "INVALID_PAYLOAD"}
    assert person["transportstyrelsen"] == {"resultat": "OK"}


def test_a_samordningsnummer_is_rebuilt_from_csns_day_of_birth(api: Facade) -> None:
    """CSN's pattern allows days 01-39 only: a samordningsnummer comes with the day of birth and
    its own check digit, and `personnummer` is the samordningsnummer asked about."""
    from tests.support import valid_personnummer

    number = valid_personnummer(date(1990, 4, 7), 123, coordination=True)
    [person] = csn(api, number)["personer"]
    assert person["personnummerCsn"] == f"{number[2:6]}07{number[8:]}"
    assert person["personnummer"] == number


def test_both_plan_spellings_and_a_hemutrustningslan_payment_are_read_once() -> None:
    """`UtbetalningsPlan` and `Utbetalningsplan` are both read, in order; a hemutrustningslån
    payment's `Beloppen`, which holds its dates and amounts directly, is one more covered period
    after those of `Utbetaldatider`. What is read is not kept again in `ovrigaElement`."""
    svar = csn_decoder.decode(
        _csn_data(
            '<CSNSvar schemaVersion="4.0" xmlns="http://schema.csn.se/v4.0/kommunfraga" '
            'xmlns:t="http://schema.csn.se/v4.0/csntyper"><Personer><Person>'
            "<HemutrustningsLan><Arenden><Arende>"
            "<t:UtbetalningsPlan><t:Utbetalning><t:utbetdatum>20260105</t:utbetdatum>"
            "<t:Utbetaldatider><t:Utbetaldtid><t:startvecka>202602</t:startvecka>"
            "<t:Beloppen><t:Belopp><t:belopp>100</t:belopp></t:Belopp></t:Beloppen>"
            "</t:Utbetaldtid></t:Utbetaldatider>"
            "<t:Beloppen><t:startdatum>20260110</t:startdatum><t:slutdatum>20260120</t:slutdatum>"
            "<t:Belopp><t:beloppstyp>HUT</t:beloppstyp><t:belopp>1200</t:belopp></t:Belopp>"
            "</t:Beloppen></t:Utbetalning></t:UtbetalningsPlan>"
            "<t:Utbetalningsplan><t:Utbetalning><t:utbetdatum>20260205</t:utbetdatum>"
            "</t:Utbetalning></t:Utbetalningsplan>"
            "</Arende></Arenden></HemutrustningsLan></Person></Personer></CSNSvar>"
        )
    )
    [person] = svar.personer
    [arende] = person.hemutrustningslan
    first, second = arende.utbetalningsplan
    assert (first.utbetdatum, second.utbetdatum) == (date(2026, 1, 5), date(2026, 2, 5))
    weeks, loan = first.utbetalda_tider
    assert weeks.startvecka.text == "202602" and [b.belopp for b in weeks.belopp] == [100]
    assert (loan.startvecka, loan.startdatum, loan.slutdatum) == (
        None,
        date(2026, 1, 10),
        date(2026, 1, 20),
    )
    assert [(b.beloppstyp, b.belopp) for b in loan.belopp] == [("HUT", 1200)]
    assert svar.ovriga_element == []
