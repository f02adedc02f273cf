"""Skatteverket: its figures typed, unknown elements reachable, tax years in the SKV fraga."""

from __future__ import annotations

from resolvers.agencies import Agency
from resolvers.decode import skatteverket
from resolvers.decode.answer import Kalla, decode_answer
from resolvers.xmlread import parse_xml
from tests.support import PERIOD, Facade, Simulator

ALLA = "198503151238"
SSBT = "http://schema.forsakringskassan.se/integration/ssbt/11"

SKV_QUERY = """
query($pnr: Personnummer!, $period: PeriodInput!, $ar: [Int!]) {
  person(personnummer: $pnr, period: $period, arende: "A-1") {
    skatteverket(ar: $ar) {
      fel { felkod }
      personuppgifter { identitetsbeteckning fornamn efternamn statusPersonuppgiftKod
        kapitaluppgifter { taxeringsar summaIntakterPaKapital overskottPaKapital } }
      ovrigaElement { path value }
    }
    transportstyrelsen { resultat }
  }
}
"""


def test_skatteverket_figures_are_typed_and_unknown_elements_reachable(
    api: Facade, fresh: Simulator
) -> None:
    answer = api.query(SKV_QUERY, {"pnr": ALLA, "period": PERIOD, "ar": [2023, 2021]})
    assert "errors" not in answer, answer["errors"]
    [uppgift] = answer["data"]["person"]["skatteverket"]["personuppgifter"]
    assert uppgift["identitetsbeteckning"] == ALLA
    assert [k["taxeringsar"] for k in uppgift["kapitaluppgifter"]] == [2023, 2021]
    assert all(isinstance(k["summaIntakterPaKapital"], str) for k in uppgift["kapitaluppgifter"])
    # The figures the simulator sends for this person and these years, as exact decimal text.
    assert [
        (k["summaIntakterPaKapital"], k["overskottPaKapital"]) for k in uppgift["kapitaluppgifter"]
    ] == [("27257", "7620"), ("25856", "11452")]
    unknown = {
        item["path"]: item["value"]
        for item in answer["data"]["person"]["skatteverket"]["ovrigaElement"]
    }
    person = "PersonuppgiftLista/Personuppgift"
    assert unknown[f"{person}/Inkomstuppgift[0]/Taxeringsar"] == "2023"
    assert unknown[f"{person}/Inkomstuppgift[1]/SlutligSkatt"] == "110780"
    assert unknown["Svarstidpunkt"] == "2026-01-01T00:00:00"
    [question] = fresh.questions()
    assert question["skvFraga"]["ar"] == [2023, 2021]


def test_two_sets_of_tax_years_are_refused(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        "query($pnr: Personnummer!, $period: PeriodInput!) { "
        'person(personnummer: $pnr, period: $period, arende: "A-1") { '
        "a: skatteverket(ar: [2024]) { fel { felkod } } b: skatteverket { fel { felkod } } } }",
        {"pnr": ALLA, "period": PERIOD},
    )
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert fresh.questions() == []


def test_ssbt10_sends_no_skv_fraga_and_still_reads_svar(api_v10: Facade, fresh: Simulator) -> None:
    answer = api_v10.query(SKV_QUERY, {"pnr": ALLA, "period": PERIOD, "ar": None})
    assert "errors" not in answer
    [uppgift] = answer["data"]["person"]["skatteverket"]["personuppgifter"]
    assert [k["taxeringsar"] for k in uppgift["kapitaluppgifter"]] == [2025, 2024]
    [question] = fresh.questions()
    assert question["skvFraga"] is None


def test_skv_svar_that_is_not_the_expected_document() -> None:
    response = parse_xml(
        f'<s:r xmlns:s="{SSBT}"><s:svarsdata><s:SKV><s:data><svar>&lt;Annat/&gt;</svar>'
        "</s:data></s:SKV></s:svarsdata></s:r>",
        "t",
    )
    fel = decode_answer(response, [Agency.SKV]).parts[Agency.SKV].fel
    assert (fel.kalla, fel.felkod) == (Kalla.FACADE, "INVALID_PAYLOAD")


def test_tax_years_cannot_be_asked_with_ssbt10(api_v10: Facade, fresh: Simulator) -> None:
    answer = api_v10.query(SKV_QUERY, {"pnr": ALLA, "period": PERIOD, "ar": [2023]})
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "ssbt/11" in answer["errors"][0]["message"]
    assert fresh.questions() == []


def test_skatteverket_text_declaring_another_encoding_reads_right() -> None:
    document = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        '<SvarBeskattningsuppgifterEnligtSFS2008-975 xmlns="urn:s" xmlns:f="urn:f">'
        "<PersonuppgiftLista><Personuppgift><f:Fornamn>Åsa</f:Fornamn>"
        "<f:Efternamn>Öström</f:Efternamn></Personuppgift></PersonuppgiftLista>"
        "</SvarBeskattningsuppgifterEnligtSFS2008-975>"
    )
    data = parse_xml("<data><svar/></data>", "t")
    data[0].text = document
    [person] = skatteverket.decode(data).personuppgifter
    assert (person.fornamn, person.efternamn) == ("Åsa", "Öström")
