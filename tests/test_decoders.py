"""Lenient, lossless decoding of the agency parts, as real answers deviate from the XSDs."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.agencies import Agency
from resolvers.decode import akassorna, arbetsformedlingen, migrationsverket, transportstyrelsen
from resolvers.decode.answer import Kalla, decode_answer, decode_error, decode_probe
from resolvers.xmlread import PayloadError, UnknownValue, parse_xml, to_date

SSBT = "http://schema.forsakringskassan.se/integration/ssbt/11"
AF = "http://api.arbetsformedlingen.se/arbetssokande/ersattningsstod/v2"
SO = "http://INT014.UBPService.Schemas"
TNS = "http://schema.transportstyrelsen.se/ssbtek/hamtauppgifterresponder/1"
FORDON = "http://schema.transportstyrelsen.se/ssbtek/fordon/1"


def data(inner: str, *namespaces: tuple[str, str]) -> str:
    declared = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in namespaces)
    return f'<s:data xmlns:s="{SSBT}" {declared}>{inner}</s:data>'


def test_af_without_fraga_and_with_offset_dates_parses() -> None:
    svar = arbetsformedlingen.decode(
        parse_xml(
            data(
                """<er:Svar><er:Schemaversion>4.0</er:Schemaversion>
                <er:Referensnummer>A-1</er:Referensnummer>
                <er:IdentitetsbeteckningFysiskPerson>199001011239</er:IdentitetsbeteckningFysiskPerson>
                <er:Sekretessmarkering>false</er:Sekretessmarkering>
                <er:ArbetssokandeInfo><er:Arbetssokande>true</er:Arbetssokande>
                  <er:ArbetssokandeRegistrerad>2016-11-18+01:00</er:ArbetssokandeRegistrerad>
                  <er:ArbetssokandeOmfattning>100</er:ArbetssokandeOmfattning>
                </er:ArbetssokandeInfo>
                <er:StatusSokandeinformationKod>0</er:StatusSokandeinformationKod>
                <er:StatusSokandeinformationKodText>ok</er:StatusSokandeinformationKodText>
                <er:Nyhet><er:Del>x</er:Del></er:Nyhet></er:Svar>""",
                ("er", AF),
            ),
            "test",
        )
    )
    assert svar is not None
    assert (svar.schemaversion, svar.referensnummer) == ("4.0", "A-1")
    assert svar.identitetsbeteckning == "199001011239"
    assert svar.sekretessmarkering is False
    assert svar.arbetssokande_info.arbetssokande is True
    assert svar.arbetssokande_info.arbetssokande_omfattning == 100
    assert (svar.status_kod, svar.status_kod_text) == (0, "ok")
    assert svar.lag_paragraf is None  # missing although the XSD requires it: not made up
    assert svar.arbetssokande_info.arbetssokande_registrerad == date(2016, 11, 18)
    assert svar.arbetssokande_info.aktivitets_rapport_datum is None
    assert svar.ekonomiska_beslut is None
    assert svar.ovriga_element == [UnknownValue("Svar/Nyhet/Del", "x")]


def test_so_without_syfte_and_with_nil_decision() -> None:
    svar = akassorna.decode(
        parse_xml(
            data(
                """<in:OrganisationsnummerIngivare>162120000010</in:OrganisationsnummerIngivare>
                <in:NamnIngivare>K</in:NamnIngivare><in:KontonamnHandlaggare>h</in:KontonamnHandlaggare>
                <in:Referensnummer>A</in:Referensnummer><in:From>2026-01-01</in:From>
                <in:Tom>2026-02-01</in:Tom><in:IdentificationNumber>199001011239</in:IdentificationNumber>
                <in:ArbetsloshetsersattningLista><in:Arbetsloshetsersattning>
                  <in:SvarandeOrganisation>Kassan</in:SvarandeOrganisation>
                  <in:StatusSvarandeOrganisation>ok</in:StatusSvarandeOrganisation>
                  <in:Utbetalningar><in:Utbetalningsdatum>2026-01-23</in:Utbetalningsdatum>
                    <in:NettoEfterSkatt>1250.50</in:NettoEfterSkatt>
                    <in:NettoEfterAvdrag>1250.50</in:NettoEfterAvdrag>
                    <in:Ersattningsdagar>2</in:Ersattningsdagar>
                    <in:AvserFrom>2026-01-03</in:AvserFrom><in:AvserTom>2026-01-03</in:AvserTom>
                  </in:Utbetalningar>
                  <in:AnsoktOmErsattning>
                    <in:BeslutOmRattTillErsattning xsi:nil="true"/>
                    <in:AnsokanOmUtbetalningInlamnad>1</in:AnsokanOmUtbetalningInlamnad>
                  </in:AnsoktOmErsattning>
                </in:Arbetsloshetsersattning></in:ArbetsloshetsersattningLista>""",
                ("in", SO),
                ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ),
            "test",
        )
    )
    assert svar.syfte is None and svar.paragraf is None
    [kassa] = svar.arbetsloshetsersattningar
    [row] = kassa.utbetalningar
    assert row.netto_efter_skatt == Decimal("1250.50")
    assert isinstance(row.ersattningsdagar, Decimal)
    assert row.ersattningsdagar == Decimal(2)
    assert row.netto_efter_avdrag == Decimal("1250.50")
    assert row.utbetalningsdatum == date(2026, 1, 23)
    assert (row.avser_from, row.avser_tom) == (date(2026, 1, 3), date(2026, 1, 3))
    assert kassa.svarande_organisation == "Kassan"
    assert kassa.ansokt_om_ersattning.beslut_om_ratt_till_ersattning is None
    assert kassa.ansokt_om_ersattning.ansokan_om_utbetalning_inlamnad is True


def test_tns_keeps_open_content_and_errors() -> None:
    svar = transportstyrelsen.decode(
        parse_xml(
            data(
                """<t:resultat>FEL</t:resultat><t:fordonsinnehav><f:fordon><f:regnr>ABC001</f:regnr>
                <f:fabrikat>Volvo</f:fabrikat><f:fordonsar>2012</f:fordonsar>
                <f:fordonsslag>PERSONBIL</f:fordonsslag><f:handelsbeteckning>V70</f:handelsbeteckning>
                <x:farg xmlns:x="urn:x">röd</x:farg></f:fordon></t:fordonsinnehav>
                <t:felresultat><t:felkod>17</t:felkod><t:feltext>delvis</t:feltext></t:felresultat>""",
                ("t", TNS),
                ("f", FORDON),
            ),
            "test",
        )
    )
    assert svar.resultat == "FEL"
    assert svar.ovriga_element == [UnknownValue("fordonsinnehav/fordon/farg", "röd")]
    assert svar.felresultat[0].felkod == 17


def test_miv_unqualified_with_a_single_svar_and_nil_item() -> None:
    svar = migrationsverket.decode(
        parse_xml(
            data(
                """<response><correlationid>c</correlationid><svarCollection>
                <svar><beslutsdatum>1998-05-12+02:00</beslutsdatum>
                <giltighetstid>PERMANENT</giltighetstid></svar>
                <svar xsi:nil="true"/></svarCollection></response>""",
                ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ),
            "test",
        )
    )
    assert svar.correlationid == "c"
    [beslut] = svar.svar
    assert beslut.beslutsdatum == date(1998, 5, 12)
    assert beslut.giltighetstid == "PERMANENT"


def test_required_elements_left_out_are_null_not_made_up() -> None:
    """Elements the XSDs require, left out: null in the decoded answer, never "" (issue 18)."""
    af = arbetsformedlingen.decode(
        parse_xml(
            data(
                "<er:Svar><er:ArbetssokandeInfo><er:AktivetetsRapportDatum/></er:ArbetssokandeInfo>"
                "<er:BeslutInfo><er:EkonomiskaBeslut><er:Beslut/></er:EkonomiskaBeslut></er:BeslutInfo>"
                "</er:Svar>",
                ("er", AF),
            ),
            "test",
        )
    )
    assert af is not None
    assert (af.schemaversion, af.referensnummer, af.lag_paragraf) == (None, None, None)
    assert (af.identitetsbeteckning, af.status_kod_text) == (None, None)
    assert af.arbetssokande_info.aktivitets_rapport_datum.aktivitets_rapport_meddelande is None
    assert af.ekonomiska_beslut[0].ersattning_typ is None
    so = akassorna.decode(
        parse_xml(
            data(
                "<in:ArbetsloshetsersattningLista><in:Arbetsloshetsersattning/>"
                "</in:ArbetsloshetsersattningLista>",
                ("in", SO),
            ),
            "test",
        )
    )
    assert (so.organisationsnummer_ingivare, so.namn_ingivare) == (None, None)
    assert (so.kontonamn_handlaggare, so.referensnummer, so.identification_number) == (
        None,
        None,
        None,
    )
    [kassa] = so.arbetsloshetsersattningar
    assert (kassa.svarande_organisation, kassa.status_svarande_organisation) == (None, None)
    tns = transportstyrelsen.decode(
        parse_xml(
            data(
                "<t:fordonsinnehav><f:fordon/></t:fordonsinnehav><t:felresultat/>",
                ("t", TNS),
                ("f", FORDON),
            ),
            "test",
        )
    )
    assert tns.resultat is None
    assert set(dataclasses.astuple(tns.fordon[0])) == {None}
    assert tns.felresultat[0].feltext is None
    miv = migrationsverket.decode(parse_xml(data("<response/>"), "test"))
    assert miv is not None and miv.correlationid is None
    error = parse_xml(f'<s:error xmlns:s="{SSBT}"><s:kalla>BT</s:kalla></s:error>', "test")
    assert decode_error(error).felkod is None


def _answer(parts: str) -> str:
    return (
        f'<s:hamtaBastjanstInformationResponse xmlns:s="{SSBT}"><s:svarsdata>{parts}'
        "</s:svarsdata></s:hamtaBastjanstInformationResponse>"
    )


def test_a_broken_part_becomes_that_agencys_fel_only() -> None:
    response = parse_xml(
        _answer(
            f'<s:SO><s:data xmlns:in="{SO}"><in:From>not a date</in:From></s:data></s:SO>'
            f'<s:TNS><s:data xmlns:t="{TNS}"><t:resultat>OK</t:resultat></s:data></s:TNS>'
        ),
        "test",
    )
    answer = decode_answer(response, [Agency.SO, Agency.TNS, Agency.MIV])
    assert answer.parts[Agency.SO].fel.kalla is Kalla.FACADE
    assert answer.parts[Agency.SO].fel.felkod == "INVALID_PAYLOAD"
    assert answer.parts[Agency.TNS].data.resultat == "OK"
    assert answer.parts[Agency.MIV].fel.felkod == "MISSING_PART"


def test_agency_error_with_several_messages() -> None:
    response = parse_xml(
        _answer(
            "<s:AF><s:error><s:kalla>SSBT</s:kalla><s:felkod>T1</s:felkod>"
            "<s:felmeddelande>a</s:felmeddelande><s:felmeddelande>b</s:felmeddelande>"
            "</s:error></s:AF>"
        ),
        "test",
    )
    fel = decode_answer(response, [Agency.AF]).parts[Agency.AF].fel
    assert (fel.kalla, fel.felkod, fel.felmeddelanden) == (Kalla.SSBT, "T1", ["a", "b"])


def test_answer_without_svarsdata_is_refused() -> None:
    with pytest.raises(PayloadError):
        decode_answer(parse_xml(f'<s:x xmlns:s="{SSBT}"/>', "test"), [Agency.AF])


def test_entities_are_not_expanded() -> None:
    bomb = '<!DOCTYPE d [<!ENTITY e "boom">]><d>&e;</d>'
    assert "boom" not in (parse_xml(bomb, "test").text or "")


@given(st.dates(), st.sampled_from(["", "Z", "+01:00", "-05:30", "+14:00"]))
def test_dates_with_or_without_offset(day: date, offset: str) -> None:
    assert to_date(day.isoformat() + offset) == day


@pytest.mark.parametrize("bad", ["2026-13-01", "20260101", "2026-01-01T10:00"])
def test_bad_dates_are_payload_errors(bad: str) -> None:
    with pytest.raises((PayloadError, ValueError)):
        to_date(bad)


def test_unknown_content_is_kept_at_any_depth() -> None:
    from resolvers.xmlread import LEAF, unknown_content

    element = parse_xml(
        '<r a="1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<known><leaf>x</leaf><new>y</new></known>"
        '<list><item><leaf>1</leaf></item><item extra="e"><leaf>2</leaf><deep><x>z</x></deep>'
        '</item></list><leaf xsi:nil="true"/><other/></r>',
        "t",
    )
    known = {"known": {"leaf": LEAF}, "list": {"item": {"leaf": LEAF}}, "leaf": LEAF}
    assert unknown_content(element, known) == [
        UnknownValue("@a", "1"),
        UnknownValue("known/new", "y"),
        UnknownValue("list/item[1]/@extra", "e"),
        UnknownValue("list/item[1]/deep/x", "z"),
        UnknownValue("other", ""),
    ]


def test_so_keeps_unknown_content_inside_its_payment_rows() -> None:
    svar = akassorna.decode(
        parse_xml(
            data(
                "<in:ArbetsloshetsersattningLista><in:Arbetsloshetsersattning>"
                "<in:SvarandeOrganisation>K</in:SvarandeOrganisation>"
                "<in:Utbetalningar><in:Utbetalningsdatum>2026-01-23</in:Utbetalningsdatum>"
                "<in:Forman>IBU</in:Forman></in:Utbetalningar>"
                "</in:Arbetsloshetsersattning></in:ArbetsloshetsersattningLista>",
                ("in", SO),
            ),
            "test",
        )
    )
    assert svar.ovriga_element == [
        UnknownValue(
            "ArbetsloshetsersattningLista/Arbetsloshetsersattning/Utbetalningar/Forman", "IBU"
        )
    ]


def test_unknown_content_inside_values_and_unknown_repeats_is_kept() -> None:
    from resolvers.xmlread import LEAF, unknown_content

    element = parse_xml(
        '<r><name lang="sv">Åsa<extra>1</extra></name><new><x>a</x><x>b</x></new></r>', "t"
    )
    assert unknown_content(element, {"name": LEAF}) == [
        UnknownValue("name/@lang", "sv"),
        UnknownValue("name/extra", "1"),
        UnknownValue("new/x[0]", "a"),
        UnknownValue("new/x[1]", "b"),
    ]


def test_an_unknown_giltighetstid_is_passed_on() -> None:
    svar = migrationsverket.decode(
        parse_xml(
            "<data><response><correlationid>c</correlationid><svarCollection><svar>"
            "<giltighetstid>OKAND</giltighetstid></svar></svarCollection></response></data>",
            "t",
        )
    )
    assert svar.svar[0].giltighetstid == "OKAND"


def test_an_unknown_kalla_is_kept_as_unknown() -> None:
    error = parse_xml(
        "<error><kalla>NY</kalla><felkod>1</felkod><felmeddelande>m</felmeddelande></error>", "t"
    )
    assert decode_error(error).kalla is Kalla.OKAND


def test_a_probe_without_anropad_is_null_not_false() -> None:
    response = parse_xml(
        f'<s:testaBastjanstInformationResponse xmlns:s="{SSBT}">'
        "<s:AF><s:anropad>true</s:anropad></s:AF><s:CSN/><s:SO><s:anropad>0</s:anropad></s:SO>"
        "</s:testaBastjanstInformationResponse>",
        "test",
    )
    assert [(r.agency, r.anropad) for r in decode_probe(response)] == [
        (Agency.AF, True),
        (Agency.CSN, None),
        (Agency.SO, False),
    ]
