"""Nothing lost, as a property: every value SSBTEK sends about a person is in the facade's answer
to the whole-`Person` question, typed in a field or kept in `ovrigaElement` (XML) or `ovrigaFalt`
(LEFI), and nothing the agency did not send is made up. Checked for every scenario person of the
simulator and for generated people (personnummer and samordningsnummer, periods).

What is walked: the raw SOAP answer the simulator sent, captured as the facade received it and
read here with lxml, base64 and json only (none of the facade's decoders):
- each agency's part under `svarsdata`: its `error` (`kalla`, `felkod`, each `felmeddelande`), or
  the leaves of its `data`;
- AF, SO, TNS, MIV: every attribute value below `data`, and the text of every element that holds
  no other element (an element that holds others is checked through them; text beside child
  elements is a leaf too, and must not be dropped);
- CSN: the same inside the `CSNSvar` document that `data/svar` carries in base64;
- SKV: the same inside the XML document that `data/svar` carries as text;
- FK (Försäkringskassan and Pensionsmyndigheten): every scalar (string, number, boolean, null) of
  the LEFI JSON that `data/lefiJsonSvar` carries in base64, at any depth;
- a SOAP fault: `faultcode` and the detail's `felkod`, which must reach the GraphQL errors
  (`_whole_call`); its texts (`faultstring`, `felmeddelande`) are untrusted upstream words and
  must not (issue 18, "upstream text stays out").
Not values, so not walked: namespace declarations and prefixes, `xsi:` attributes (`xsi:nil`
makes the element's value null, and that null is checked), the XML declaration, the base64 and
CDATA wrapping, an element's presence as such (an empty wrapper holds no value), whitespace
between elements, JSON's empty arrays and objects, and the envelope's `frageTidpunkt` and
`korrelationsid` (the facade's own question echoed, not data about the person).

Where a value must be found: at its one corresponding place, never anywhere in the answer.
- XML: the tables below (`AF`, `SO`, `TNS`, `MIV`, `CSN`, `SKV`, `ERROR`) name, for each element
  the facade types, the GraphQL field it becomes; wrappers such as `BeslutInfo/EkonomiskaBeslut`
  fold into their parent and a repeated element is the list item at the same index. A leaf must
  be at exactly that path (`arbetsformedlingen.ekonomiskaBeslut[1].ersattningTyp`). Any other
  leaf, and an element the table types but that came a second time where one is expected, must
  be in that agency's `ovrigaElement` under the path the facade documents (local names from
  `data`, or from the document root for CSN and SKV, `/`-joined, `[i]` on a name that repeats
  among its siblings, `@name` for an attribute), with exactly the text sent.
- LEFI: the JSON path is the GraphQL path. `formansinformation.<property>` is the
  `forsakringskassan` field that schema/lefi_fields.py declares for that property (a property
  with none is a loss); `ansprak`, `beslut`, `utbetalningar`, `preliminaraUtbetalningar` and
  `ovrigInformation` are `pensionsmyndigheten`'s, each `ovrigInformation` block also in its own
  list (`levnadsintyg`, ...); `utlamnare` and `avvikelser` are both agencies'. Below that, a JSON
  property is the GraphQL field of the same name (first letter small), and the value is compared
  by that field's GraphQL type; a code `{kod|id, beskrivning}`, an amount `{summa, valuta}`, an
  extent `{taljare, namnare}` and a period `{fran, till}` are the fields of `Kod`, `Belopp`,
  `Omfattning` and `FranTill`. A value with no field, or one its field does not hold (a value of
  the wrong kind), must be in the `ovrigaFalt` of the nearest enclosing LEFI object
  (`forsakringskassan`'s for the top level and `formansinformation`), under the path the facade
  documents, as JSON that holds the same value at the rest of the path.
So short common values ("0", "true", "SEK", "1") cannot hide a loss: a value is looked up at its
own path and index only; the same text elsewhere does not count.

How values compare: exactly, with these normalisations only, each where a typed scalar rewrites
the text the agency sent (`same`):
- Date: `2016-11-18`, and `2016-11-18+01:00` (an offset `Z` or `±hh:mm`), are the Date
  `2016-11-18`. The offset is dropped, never applied: docs/schema-guide.md, Other scalars.
- CSN: dates `yyyyMMdd` are that Date and `0` ("no date" in CSN) is null; a week `yyyyWW` is
  `CsnVecka.text`, exactly; values are compared trimmed of CSN's blank padding, and a value of
  blanks only (`Status="          "`) is null; `soktlan` `J` is true and blank false, as CSN
  defines it.
- Decimal: as Decimal, digits and exponent, so `1250.50` is not `1250.5`: a trip through float
  cannot pass. Int: the digits as sent. Boolean: `true`/`1`, `false`/`0`. Around a typed XML value
  (not text) blanks are the XSD's whitespace collapse.
- LEFI: a number or boolean in a text field or a code is its JSON text (`{"id": 1}` is `kod`
  "1"); a date-time is the same instant with the same offset (`Z` is `+00:00`).
- Text, codes and enums: exactly, untrimmed.

Nothing made up, the other way round: every non-null scalar of an agency's part of the answer
must be the place of a leaf that was sent, or one of the values the facade derives from others
(`DERIVED`: the 12-digit CSN number, a week's year, number and days, `Omfattning.andel`, a LEFI
period's dates). So an element the agency left out is null, never "" or 0.

Payloads that cannot be read (not base64, JSON or XML) are that agency's
`fel {kalla: FACADE, felkod: INVALID_PAYLOAD}`; their content is not passed on. A call answered
without a SOAP envelope (HTTP 503 text, an HTML page) has no value to walk: its errors must say
UPSTREAM_UNAVAILABLE or UPSTREAM_INVALID_RESPONSE.

The answers checked: every scenario person's and a dozen generated people's, as the simulator
sends them; the `alla` answer with each of its leaf names left out once (so that what a real
answer can lack shows as null, not made up) and with content the facade does not model added
everywhere (elements, attributes, LEFI properties with decimals a float would change). The check
itself is checked: it fails when one value is changed in its place, when list items are swapped,
when a value is made up, and when a fault's code is changed.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import resolvers.client
from schema.build import build_schema
from schema.lefi_fields import FK_FIELDS
from simulator.app import SimulatorConfig
from simulator.scenarios import NUMBER_OF, SCENARIO_PEOPLE, Scenario
from tests.support import PERIOD, Facade, facade, facade_env, simulator, valid_personnummer
from tests.support.queries import everything

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
QUERY = everything("nothing-lost")
SCHEMA = build_schema().graphql_schema

# -- how the XML agencies' elements become GraphQL fields ----------------------------------------


@dataclass(frozen=True)
class El:
    """How one element (or `@attribute`) shows in the answer."""

    field: str | None = None  # the GraphQL field; None: it folds into its parent's object
    inside: Mapping[str, El] | None = None  # what it holds; None: a value (its text)
    many: bool = False  # it repeats: one list item per element, at the element's index
    item: str | None = None  # a repeated value: the field of its list item that holds it
    kind: str | None = None  # compared otherwise than by the field's GraphQL type
    after: str | None = None  # CSN: the list item after the siblings of this name's elements


def val(name: str, kind: str | None = None) -> El:
    return El(name, kind=kind)


def one(name: str, inside: Mapping[str, El]) -> El:
    return El(name, inside)


def each(name: str, inside: Mapping[str, El]) -> El:
    return El(name, inside, many=True)


def fold(inside: Mapping[str, El]) -> El:
    return El(None, inside)


_AF_SVAR = {
    "Schemaversion": val("schemaversion"),
    "Referensnummer": val("referensnummer"),
    "LagParagraf": val("lagParagraf"),
    "IdentitetsbeteckningFysiskPerson": val("identitetsbeteckning"),
    "Fornamn": val("fornamn"),
    "Efternamn": val("efternamn"),
    "Sekretessmarkering": val("sekretessmarkering"),
    "ArbetssokandeInfo": one("arbetssokandeInfo", {
        "Arbetssokande": val("arbetssokande"),
        "ArbetssokandeSKAT": val("arbetssokandeSkat"),
        "ArbetssokandeRegistrerad": val("arbetssokandeRegistrerad"),
        "ArbetssokandeOmfattning": val("arbetssokandeOmfattning"),
        "ArbetssokandeAvaktualiserad": val("arbetssokandeAvaktualiserad"),
        "AktivetetsRapportDatum": one("aktivitetsRapportDatum", {
            "AktivitetsRapportMeddelande": val("aktivitetsRapportMeddelande"),
            "SenasteAktivitetsRapportDatum": val("senasteAktivitetsRapportDatum"),
        }),
    }),
    "BeslutInfo": fold({"EkonomiskaBeslut": fold({"Beslut": each("ekonomiskaBeslut", {
        "ErsattningTyp": val("ersattningTyp"),
        "Omfattning": val("omfattning"),
        "BeslutFrom": val("beslutFrom"),
        "BeslutTom": val("beslutTom"),
    })})}),
    "Akassetillhorighet": val("akassetillhorighet"),
    "StatusSokandeinformationKod": val("statusKod"),
    "StatusSokandeinformationKodText": val("statusKodText"),
}  # fmt: skip
AF = {"Svar": fold(_AF_SVAR), "SvarMeddelande": fold({"Svar": fold(_AF_SVAR)})}

SO = {
    "OrganisationsnummerIngivare": val("organisationsnummerIngivare"),
    "NamnIngivare": val("namnIngivare"),
    "KontonamnHandlaggare": val("kontonamnHandlaggare"),
    "Referensnummer": val("referensnummer"),
    "From": val("from"),
    "Tom": val("tom"),
    "Syfte": val("syfte"),
    "Paragraf": val("paragraf"),
    "OrganisationsnummerPersonuppgiftsbitrade":
        El("personuppgiftsbitraden", many=True, item="organisationsnummer"),
    "NamnPersonuppgiftsbitrade": El("personuppgiftsbitraden", many=True, item="namn"),
    "IdentificationNumber": val("identificationNumber"),
    "ArbetsloshetsersattningLista": fold({"Arbetsloshetsersattning": each(
        "arbetsloshetsersattningar", {
            "SvarandeOrganisation": val("svarandeOrganisation"),
            "StatusSvarandeOrganisation": val("statusSvarandeOrganisation"),
            "Utbetalningar": each("utbetalningar", {
                "Utbetalningsdatum": val("utbetalningsdatum"),
                "NettoEfterSkatt": val("nettoEfterSkatt"),
                "NettoEfterAvdrag": val("nettoEfterAvdrag"),
                "Ersattningsdagar": val("ersattningsdagar"),
                "AvserFrom": val("avserFrom"),
                "AvserTom": val("avserTom"),
            }),
            "Avstangningar": each("avstangningar", {
                "AvstangdFrom": val("avstangdFrom"), "AvstangdTom": val("avstangdTom"),
            }),
            "AnsoktOmErsattning": one("ansoktOmErsattning", {
                "BeslutOmRattTillErsattning": val("beslutOmRattTillErsattning"),
                "AnsokanOmUtbetalningInlamnad": val("ansokanOmUtbetalningInlamnad"),
            }),
        })}),
}  # fmt: skip

TNS = {
    "resultat": val("resultat"),
    "fordonsinnehav": fold({"fordon": each("fordon", {
        name: val(name)
        for name in ("regnr", "fabrikat", "fordonsar", "fordonsslag", "handelsbeteckning")
    })}),
    "felresultat": each("felresultat", {"felkod": val("felkod"), "feltext": val("feltext")}),
}  # fmt: skip

MIV = {
    "response": fold({
        **{name: val(name) for name in (
            "korrelationsid", "correlationid", "efternamn", "fornamn", "hemland",
            "inresedatum", "personnummer",
        )},
        "svarCollection": fold({"svar": each("svar", {
            "anledning": val("anledning"),
            "anledningNamn": val("anledningNamn"),
            "ansokningsdatum": val("ansokningsdatum"),
            "arendeTyp": val("arendeTyp"),
            "arendeTypNamn": val("arendeTypNamn"),
            "beslutsKod": val("beslutskod"),
            "beslutsKodNamn": val("beslutskodNamn"),
            "beslutsTyp": val("beslutstyp"),
            "beslutsTypNamn": val("beslutstypNamn"),
            "beslutsdatum": val("beslutsdatum"),
            "fromDatum": val("fromDatum"),
            "giltighetstid": val("giltighetstid"),
            "tomDatum": val("tomDatum"),
        })}),
    })
}  # fmt: skip

SKV = {
    "PersonuppgiftLista": fold({"Personuppgift": each("personuppgifter", {
        "IdentitetsbeteckningFysiskPerson": val("identitetsbeteckning"),
        "Fornamn": val("fornamn"),
        "Efternamn": val("efternamn"),
        "StatusPersonuppgiftKod": val("statusPersonuppgiftKod"),
        "Kapitaluppgift": each("kapitaluppgifter", {
            "Taxeringsar": val("taxeringsar"),
            "SummaIntakterPaKapital": val("summaIntakterPaKapital"),
            "OverskottPaKapital": val("overskottPaKapital"),
        }),
    })})
}  # fmt: skip

_CSN_BELOPP = each("belopp", {
    "beloppstyp": val("beloppstyp", "csn"),
    "klartext": val("klartext", "csn"),
    "belopp": val("belopp", "csn"),
    "totbelopp": val("totbelopp", "csn"),
})  # fmt: skip
_CSN_PLAN = fold({"Utbetalning": each("utbetalningsplan", {
    "utbetdatum": val("utbetdatum", "csn_date"),
    "utbetstatus": val("utbetstatus", "csn"),
    "totbelopp": val("totbelopp", "csn"),
    "Utbetaldatider": fold({"Utbetaldtid": each("utbetaldaTider", {
        "startvecka": val("startvecka", "csn_week"),
        "slutvecka": val("slutvecka", "csn_week"),
        "startdatum": val("startdatum", "csn_date"),
        "slutdatum": val("slutdatum", "csn_date"),
        "totbelopp": val("totbelopp", "csn"),
        "Beloppen": fold({"Belopp": _CSN_BELOPP}),
    })}),
    # Hemutrustningslån (hutgetinfo): the amounts directly in `Beloppen`, shown as one more
    # `utbetaldaTider` item after those of `Utbetaldatider`.
    "Beloppen": El("utbetaldaTider", {
        "startdatum": val("startdatum", "csn_date"),
        "slutdatum": val("slutdatum", "csn_date"),
        "Belopp": _CSN_BELOPP,
    }, after="Utbetaldatider"),
})})  # fmt: skip
_CSN_ARENDE = {
    "@lopnummer": val("lopnummer", "csn"),
    "@medlanare": val("medlanare", "csn"),
    "stodform": val("stodform", "csn"),
    "klartext": val("klartext", "csn"),
    "status": val("status", "csn"),
    "relarende": val("relarende", "csn"),
    "soktaTider": fold({"soktTid": each("soktaTider", {
        "soktfrom": val("soktfrom", "csn_date"),
        "sokttom": val("sokttom", "csn_date"),
        "soktomfattning": val("soktomfattning", "csn"),
        "soktlan": val("soktlan", "soktlan"),
    })}),
    "BeviljadeTider": fold({"BeviljadTid": each("beviljadeTider", {
        "starttid": val("starttid", "csn_week"),
        "sluttid": val("sluttid", "csn_week"),
        "takt": val("takt", "csn"),
        "gr_takt": val("grTakt", "csn"),
        "totbelopp": val("totbelopp", "csn"),
        "Beloppen": fold({"Belopp": _CSN_BELOPP}),
    })}),
    "UtbetalningsPlan": _CSN_PLAN,
    "Utbetalningsplan": _CSN_PLAN,
}  # fmt: skip
CSN_FORMS = {
    "Studiemedel": "studiemedel",
    "Studiehjalp": "studiehjalp",
    "HemutrustningsLan": "hemutrustningslan",
    "Studiestartsstod": "studiestartsstod",
    "Omstallningsstudiestod": "omstallningsstudiestod",
}
CSN = {
    "@schemaVersion": val("schemaVersion"),
    "GemensamtSvarEkbistand": fold({"Resultat": fold({
        "ResultatKod": val("resultatKod", "csn"), "ResultatText": val("resultatText", "csn"),
    })}),
    "Personer": fold({"Person": each("personer", {
        "@personnummer": val("personnummerCsn", "csn"),
        "@sekel": val("sekel", "csn"),
        "@Status": val("status", "csn"),
        "@status": val("status", "csn"),
        "@sekretess": val("sekretess", "csn"),
        "Studiestodstypforteckning": one("studiestodstyper", {
            form: val(form, "csn") for form in CSN_FORMS.values()
        }),
        **{element: fold({"Arenden": fold({"Arende": each(name, _CSN_ARENDE)})})
           for element, name in CSN_FORMS.items()},
    })}),
}  # fmt: skip

ERROR = {
    "kalla": val("kalla"),
    "felkod": val("felkod"),
    "felmeddelande": El("felmeddelanden", many=True),
}

# Each agency's part: its GraphQL field on Person, and the table of its XML (None for LEFI).
AGENCIES: dict[str, tuple[str, ...]] = {
    "AF": ("arbetsformedlingen",),
    "CSN": ("csn",),
    "FK": ("forsakringskassan", "pensionsmyndigheten"),
    "SKV": ("skatteverket",),
    "SO": ("akassorna",),
    "TNS": ("transportstyrelsen",),
    "MIV": ("migrationsverket",),
}
TABLES: dict[str, Mapping[str, El]] = {"AF": AF, "SO": SO, "TNS": TNS, "MIV": MIV}

# Values the facade computes from others: (GraphQL type, field).
DERIVED = frozenset({
    ("Person", "personnummer"),  # the question's number
    ("CsnPerson", "personnummer"),  # `sekel` + the 10 digits
    ("CsnVecka", "ar"), ("CsnVecka", "vecka"), ("CsnVecka", "forstaDag"),
    ("CsnVecka", "sistaDag"),  # from the week's text
    ("Omfattning", "andel"),  # taljare / namnare
    ("FranTill", "franDatum"), ("FranTill", "tillDatum"),  # from `fran`, `till`
})  # fmt: skip

# -- what was sent, as leaves with their places ---------------------------------------------------

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Kept:
    """Where a leaf may be kept instead of typed: a list of `ovrigaElement` (XML, `path` as the
    facade writes it) or `ovrigaFalt` (LEFI, `rel` from that list's object)."""

    entries: Path
    path: str = ""
    rel: tuple[str | int, ...] = ()
    json: bool = False


@dataclass(frozen=True)
class Leaf:
    """One value sent: where it was (for the report), and where the answer must have it."""

    agency: str
    where: str
    value: Any
    target: Path | None  # None: no typed field holds it
    kind: str | None = None
    kept: Kept | None = None


@dataclass
class Walk:
    """The leaves of one answer, and what else the answer must show."""

    leaves: list[Leaf] = field(default_factory=list)
    # Agencies whose part must be the facade's own `fel` (felkod), e.g. INVALID_PAYLOAD.
    facade_errors: dict[str, str] = field(default_factory=dict)
    # Agencies that answered with data: their `fel` must be null.
    answered: set[str] = field(default_factory=set)
    fault: dict[str, list[str]] | None = None  # a SOAP fault's leaves
    no_envelope: bool = False


def local(element: Any) -> str:
    return etree.QName(element).localname


def child_elements(element: Any) -> list[Any]:
    return [c for c in element if isinstance(c.tag, str)]


def is_nil(element: Any) -> bool:
    return element.get(f"{{{XSI}}}nil") in ("true", "1")


def attributes(element: Any) -> Iterator[tuple[str, str]]:
    for name, value in element.attrib.items():
        qname = etree.QName(name)
        if qname.namespace != XSI:
            yield qname.localname, value


def walk_xml(
    out: Walk,
    agency: str,
    element: Any,
    table: Mapping[str, El] | None,
    target: Path | None,
    prefix: str,
    kept: Path | None,
) -> None:
    """The leaves below `element`: `table` says how its children show at `target` (None: not
    typed, so only kept); `prefix` is the facade's `ovrigaElement` path of `element`."""
    for name, value in attributes(element):
        rule = (table or {}).get(f"@{name}")
        out.leaves.append(
            Leaf(
                agency,
                f"{agency}:{prefix}@{name}",
                value,
                None if rule is None or target is None else (*target, rule.field),
                None if rule is None else rule.kind,
                None if kept is None else Kept(kept, f"{prefix}@{name}"),
            )
        )
    items = child_elements(element)
    counts = Counter(local(c) for c in items)
    seen: Counter[str] = Counter()
    for item in items:
        name = local(item)
        index = seen[name]
        seen[name] += 1
        path = f"{prefix}{name}[{index}]" if counts[name] > 1 else f"{prefix}{name}"
        rule = (table or {}).get(name) if target is not None else None
        if rule is not None and index > 0 and not rule.many:
            rule = None  # one was expected: the facade reads the first only
        place: Path | None = None
        if rule is not None and target is not None:
            place = target if rule.field is None else (*target, rule.field)
            if rule.after is not None:
                before = sum(len(child_elements(e)) for e in _children(element, rule.after))
                place = (*place, before)
            elif rule.many:
                place = (*place, index)
            if rule.item is not None:
                place = (*place, rule.item)
        nested = child_elements(item)
        text = item.text or ""
        if not nested:
            if rule is not None and rule.inside is not None:  # a wrapper: its text is no value
                if text.strip():
                    out.leaves.append(
                        Leaf(agency, f"{agency}:{path}", text, None, None, _kept(kept, path))
                    )
                walk_xml(out, agency, item, rule.inside, place, f"{path}/", kept)
                continue
            value = None if is_nil(item) else text
            out.leaves.append(
                Leaf(
                    agency,
                    f"{agency}:{path}",
                    value,
                    place,
                    None if rule is None else rule.kind,
                    _kept(kept, path),
                )
            )
            walk_xml(out, agency, item, {}, None, f"{path}/", kept)  # its attributes
            continue
        if text.strip():  # text beside child elements
            out.leaves.append(Leaf(agency, f"{agency}:{path}", text, None, None, _kept(kept, path)))
        inside = rule.inside if rule is not None else None
        walk_xml(out, agency, item, inside, place if inside is not None else None, f"{path}/", kept)


def _children(element: Any, name: str) -> list[Any]:
    return [c for c in child_elements(element) if local(c) == name]


def _kept(kept: Path | None, path: str) -> Kept | None:
    return None if kept is None else Kept(kept, path)


def walk_lefi(out: Walk, document: Any) -> None:
    """The leaves of a LEFI answer, placed by the GraphQL schema."""
    fk: Path = ("forsakringskassan",)
    pm: Path = ("pensionsmyndigheten",)
    root_kept = (*fk, "ovrigaFalt")
    if not isinstance(document, dict):
        lefi_scalars(out, "FK", document, (), None, root_kept)
        return
    fk_type, pm_type = SCHEMA.get_type("Forsakringskassan"), SCHEMA.get_type("Pensionsmyndigheten")
    by_source = {f.source: f for f in FK_FIELDS}
    for key, value in document.items():
        if key in ("utlamnare", "avvikelser"):
            place(out, "FK", value, fk_type.fields[key].type, (*fk, key), root_kept, (key,))
            place(out, "PM", value, pm_type.fields[key].type, (*pm, key), root_kept, (key,))
        elif key in ("ansprak", "beslut", "utbetalningar", "preliminaraUtbetalningar"):
            place(out, "PM", value, pm_type.fields[key].type, (*pm, key), root_kept, (key,))
        elif key == "ovrigInformation":
            place(out, "PM", value, pm_type.fields[key].type, (*pm, key), root_kept, (key,))
            blocks: Counter[str] = Counter()
            for index, item in enumerate(value if isinstance(value, list) else [value]):
                for block in ("levnadsintyg", "pensionsbehallning", "pensionsunderlag"):
                    if isinstance(item, dict) and item.get(block) is not None:
                        owner = (*pm, "ovrigInformation", index, "ovrigaFalt")
                        kind = get_named_type(pm_type.fields[block].type)
                        target = (*pm, block, blocks[block])
                        place_one(out, "PM", item[block], kind, target, owner, (block,))
                        blocks[block] += 1
        elif key == "formansinformation" and isinstance(value, dict):
            for name, items in value.items():
                fk_field = by_source.get(name)
                if fk_field is None:
                    lefi_scalars(out, "FK", items, (name,), None, root_kept)
                    continue
                kind = fk_type.fields[fk_field.name].type
                target = (*fk, fk_field.name)
                if not fk_field.single:
                    place(out, "FK", items, kind, target, root_kept, (name,))
                    continue
                listed = items if isinstance(items, list) else [items]
                # One object in the answer (the contract allows one item): the first; any
                # more, as sent, in `forsakringskassan.ovrigaFalt`.
                for index, item in enumerate(listed):
                    if index == 0:
                        place_one(out, "FK", item, get_named_type(kind), target, root_kept,
                                  (name, index))  # fmt: skip
                    else:
                        lefi_scalars(out, "FK", item, (name, index), None, root_kept)
        else:
            lefi_scalars(out, "FK", value, (key,), None, root_kept)


def place(
    out: Walk, agency: str, value: Any, kind: Any, target: Path, owner: Path, rel: Path
) -> None:
    """A JSON value at a GraphQL field of type `kind` (a list or one value)."""
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    if isinstance(kind, GraphQLList):
        if value is None:
            out.leaves.append(Leaf(agency, _where(agency, rel), None, target, "empty_list"))
            return
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            place_one(
                out, agency, item, get_named_type(kind), (*target, index), owner, (*rel, index)
            )
        return
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    place_one(out, agency, value, get_named_type(kind), target, owner, rel)


def place_one(
    out: Walk, agency: str, value: Any, kind: Any, target: Path, owner: Path, rel: Path
) -> None:
    """One JSON value at a GraphQL place of the named type `kind`."""
    if value is None:
        out.leaves.append(Leaf(agency, _where(agency, rel), None, target, None))
        return
    if isinstance(kind, GraphQLScalarType | GraphQLEnumType):
        if isinstance(value, dict) and kind.name == "String" and ("id" in value or "kod" in value):
            # a `{id, beskrivning}` code where LEFI's schema says text: the code typed, the whole
            # object kept
            code = "id" if "id" in value else "kod"
            out.leaves.append(
                Leaf(agency, _where(agency, (*rel, code)), value[code], target, "code",
                     Kept(owner, rel=(*rel, code), json=True))
            )  # fmt: skip
            lefi_scalars(out, agency, {k: v for k, v in value.items() if k != code}, rel, None,
                         owner)  # fmt: skip
        elif isinstance(value, dict | list):
            lefi_scalars(out, agency, value, rel, None, owner)
        else:
            out.leaves.append(
                Leaf(agency, _where(agency, rel), value, target, kind.name,
                     Kept(owner, rel=rel, json=True))
            )  # fmt: skip
        return
    special = SPECIAL.get(kind.name)
    if special is not None:
        if not isinstance(value, dict):
            bare = special.get("")
            scalar = not isinstance(value, list)
            lefi_scalars(out, agency, value, rel, (*target, bare[0]) if bare and scalar else None,
                         owner, bare[1] if bare else None)  # fmt: skip
            return
        for key, item in value.items():
            typed = special.get(key)
            if typed is not None and not isinstance(item, dict | list):
                out.leaves.append(
                    Leaf(agency, _where(agency, (*rel, key)), item, (*target, typed[0]),
                         typed[1], Kept(owner, rel=(*rel, key), json=True))
                )  # fmt: skip
            else:
                lefi_scalars(out, agency, item, (*rel, key), None, owner)
        return
    # a LEFI object: its own `ovrigaFalt` keeps what it does not model
    own = (*target, "ovrigaFalt")
    if isinstance(value, dict):
        for key, item in value.items():
            name = key[:1].lower() + key[1:]
            graphql_field = kind.fields.get(name) if name != "ovrigaFalt" else None
            if graphql_field is None:
                lefi_scalars(out, agency, item, (key,), None, own)
            else:
                place(out, agency, item, graphql_field.type, (*target, name), own, (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            lefi_scalars(out, agency, item, (index,), None, own)
    else:
        lefi_scalars(out, agency, value, (), None, own)


# The value types LEFI repeats: JSON key -> (GraphQL field, kind); "" for a bare value.
SPECIAL: dict[str, dict[str, tuple[str, str]]] = {
    "Kod": {"kod": ("kod", "code"), "id": ("kod", "code"), "beskrivning": ("beskrivning", "String"),
            "": ("kod", "code")},
    "Belopp": {"summa": ("summa", "Decimal"), "valuta": ("valuta", "String"),
               "": ("summa", "Decimal")},
    "Omfattning": {"taljare": ("taljare", "Int"), "namnare": ("namnare", "Int")},
    "FranTill": {"fran": ("fran", "String"), "till": ("till", "String")},
}  # fmt: skip


def lefi_scalars(
    out: Walk,
    agency: str,
    value: Any,
    rel: Path,
    target: Path | None,
    owner: Path | None,
    kind: str | None = None,
) -> None:
    """Every scalar in `value` (at `rel` from `owner`'s object): kept in `owner`'s ovrigaFalt,
    and typed at `target` when given."""
    if isinstance(value, dict):
        for key, item in value.items():
            lefi_scalars(out, agency, item, (*rel, key), None, owner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            lefi_scalars(out, agency, item, (*rel, index), None, owner)
    else:
        out.leaves.append(
            Leaf(agency, _where(agency, rel), value, target, kind,
                 None if owner is None else Kept(owner, rel=rel, json=True))
        )  # fmt: skip


def _where(agency: str, rel: Path) -> str:
    return f"{agency}:LEFI {rel_text(rel)}"


def rel_text(rel: Path) -> str:
    """A path within a LEFI object as the facade writes it: `name`, `name[i]`, `name/extra`."""
    text = ""
    for part in rel:
        text += f"[{part}]" if isinstance(part, int) else f"/{part}" if text else part
    return text


def walk_answer(content: bytes) -> Walk:
    """Every leaf of a raw SOAP answer, with where the facade's answer must have it."""
    out = Walk()
    try:
        envelope = etree.fromstring(content)
    except etree.XMLSyntaxError:
        out.no_envelope = True
        return out
    if envelope.tag != f"{{{SOAP}}}Envelope":
        out.no_envelope = True
        return out
    [body] = _children(envelope, "Body")
    [first] = child_elements(body)
    if local(first) == "Fault":
        detail = [c for d in _children(first, "detail") for c in child_elements(d)]
        out.fault = {
            "faultcode": [c.text or "" for c in _children(first, "faultcode")],
            "faultstring": [c.text or "" for c in _children(first, "faultstring")],
            "felkod": [c.text or "" for d in detail for c in _children(d, "felkod")],
            "felmeddelande": [c.text or "" for d in detail for c in _children(d, "felmeddelande")],
        }
        return out
    [svarsdata] = _children(first, "svarsdata")
    for part in child_elements(svarsdata):
        agency = local(part)
        fields = AGENCIES[agency]
        for item in child_elements(part):
            if local(item) == "error":
                for name in fields:
                    walk_xml(out, agency, item, ERROR, (name, "fel"), "error/", None)
            elif local(item) == "data":
                out.answered.add(agency)
                walk_data(out, agency, item, fields)
            else:
                walk_xml(out, agency, item, None, None, f"{local(item)}/", None)
    return out


def walk_data(out: Walk, agency: str, data: Any, fields: tuple[str, ...]) -> None:
    """The leaves of one agency's `data`."""
    base: Path = (fields[0],)
    kept = (*base, "ovrigaElement")
    if agency in TABLES:
        walk_xml(out, agency, data, TABLES[agency], base, "", kept)
        return
    carrier = {"CSN": "svar", "FK": "lefiJsonSvar", "SKV": "svar"}[agency]
    for item in child_elements(data):
        if local(item) != carrier:  # nothing else is expected beside the payload
            walk_xml(out, agency, item, None, None, f"{local(item)}/", None)
    [payload] = _children(data, carrier)
    text = payload.text or ""
    try:
        if agency == "SKV":
            document = etree.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text).encode())
        else:
            raw = base64.b64decode("".join(text.split()), validate=True)
            document = (
                json.loads(raw, parse_float=Decimal) if agency == "FK" else etree.fromstring(raw)
            )
    except (binascii.Error, ValueError, etree.XMLSyntaxError):
        out.facade_errors[agency] = "INVALID_PAYLOAD"
        out.answered.discard(agency)
        return
    if agency == "FK":
        walk_lefi(out, document)
    else:
        walk_xml(out, agency, document, CSN if agency == "CSN" else SKV, base, "", kept)


# -- finding the leaves in the answer -------------------------------------------------------------

MISSING = object()
_OFFSET_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$")


def at(tree: Any, path: Path) -> Any:
    """The answer's value at `path`, or MISSING."""
    for part in path:
        if isinstance(part, int):
            if not isinstance(tree, list) or part >= len(tree):
                return MISSING
        elif not isinstance(tree, dict) or part not in tree:
            return MISSING
        tree = tree[part]
    return tree


def type_at(path: Path) -> tuple[str, str, str]:
    """(the GraphQL type that holds the field at `path`, the field, the field's named type)."""
    holder: Any = SCHEMA.get_type("Person")
    named: Any = holder
    name = ""
    for part in path:
        if isinstance(part, int):
            continue
        holder, name = named, part
        named = get_named_type(holder.fields[part].type)
    return holder.name, name, named.name


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _json_text(value: Any) -> str:
    """A LEFI scalar as text: strings as they are, numbers as written, booleans as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def same(kind: str, sent: Any, shown: Any) -> bool:
    """Whether the answer's value `shown` is the value `sent`, compared as `kind` (a GraphQL
    scalar or enum name, or one of the explicit normalisations of this module's docstring)."""
    if kind == "empty_list":
        return shown == []
    if sent is None:
        return shown is None
    if kind.startswith("csn"):
        sent = sent.strip()
        if kind == "csn_date":
            if sent == "0":
                return shown is None
            return len(sent) == 8 and shown == f"{sent[:4]}-{sent[4:6]}-{sent[6:]}"
        if kind == "csn_week":
            if sent == "0":
                return shown is None
            return isinstance(shown, dict) and shown.get("text") == sent
        if not sent:  # blanks only: CSN's padding for "none"
            return shown is None
        return isinstance(shown, str | int) and not isinstance(shown, bool) and str(shown) == sent
    if kind == "soktlan":
        return shown is (sent.strip() == "J") if sent.strip() in ("J", "") else False
    if isinstance(sent, str) and kind not in ("String", "code") and not _is_enum(kind):
        sent = sent.strip()  # the XSD's whitespace collapse around a typed value
        if not sent:
            return shown is None
    if kind in ("String", "code", "Personnummer") or _is_enum(kind):
        return isinstance(shown, str) and shown == _json_text(sent)
    if kind == "Int":
        if isinstance(sent, Decimal):
            return type(shown) is int and Decimal(shown) == sent
        return type(shown) is int and str(shown) == _json_text(sent)
    if kind == "Decimal":
        if not isinstance(shown, str) or isinstance(sent, bool):
            return False  # the Decimal scalar is a string: a float here would be a loss
        left, right = _decimal(shown), _decimal(_json_text(sent))
        return left is not None and right is not None and left.as_tuple() == right.as_tuple()
    if kind == "Boolean":
        if isinstance(sent, bool):
            return shown is sent
        return shown is {"true": True, "1": True, "false": False, "0": False}.get(sent, "?")
    if kind == "Date":
        match = _OFFSET_DATE.match(sent) if isinstance(sent, str) else None
        return match is not None and shown == match[1]
    if kind == "DateTime":
        if not isinstance(sent, str) or not isinstance(shown, str):
            return False
        try:
            left = datetime.fromisoformat(sent.replace("Z", "+00:00"))
            right = datetime.fromisoformat(shown.replace("Z", "+00:00"))
        except ValueError:
            return False
        return left == right and left.utcoffset() == right.utcoffset()
    raise AssertionError(f"no comparison for {kind}")


def _is_enum(kind: str) -> bool:
    return isinstance(SCHEMA.get_type(kind), GraphQLEnumType)


def same_json(sent: Any, kept: Any) -> bool:
    """JSON values equal exactly: numbers by type, digits and exponent."""
    if isinstance(sent, bool) or isinstance(kept, bool):
        return type(sent) is type(kept) and sent == kept
    if isinstance(sent, Decimal) and isinstance(kept, Decimal):
        return sent.as_tuple() == kept.as_tuple()
    return type(sent) is type(kept) and sent == kept


_SEGMENT = re.compile(r"([^/\[\]]+)|\[(\d+)\]")


def found_kept(leaf: Leaf, answer: Any) -> bool:
    """Whether the leaf is in its `ovrigaElement` / `ovrigaFalt` at its own path."""
    kept = leaf.kept
    if kept is None:
        return False
    entries = at(answer, kept.entries)
    if not isinstance(entries, list):
        return False
    for entry in entries:
        if not kept.json:
            if entry["path"] == kept.path and entry["value"] == leaf.value:
                return True
            continue
        segments = tuple(
            int(m[2]) if m[2] is not None else m[1] for m in _SEGMENT.finditer(entry["path"])
        )
        if kept.rel[: len(segments)] != segments or entry["value"] is None:
            continue
        value = at(json.loads(entry["value"], parse_float=Decimal), kept.rel[len(segments) :])
        if value is not MISSING and same_json(leaf.value, value):
            return True
    return False


def found(leaf: Leaf, answer: Any) -> bool:
    """Whether the answer has the leaf at its place, typed or kept."""
    if leaf.target is not None:
        shown = at(answer, leaf.target)
        if shown is not MISSING:
            kind = leaf.kind or type_at(leaf.target)[2]
            if same(kind, leaf.value, shown):
                return True
    return found_kept(leaf, answer)


def losses(content: bytes, answer: dict[str, Any]) -> list[str]:
    """Every value of the raw answer `content` that the GraphQL `answer` lost or made up, as
    readable lines; empty when nothing is lost."""
    walked = walk_answer(content)
    person = (answer.get("data") or {}).get("person") or {}
    problems: list[str] = []
    if walked.no_envelope or walked.fault is not None:
        return problems + _whole_call(walked, answer)
    for leaf in walked.leaves:
        if not found(leaf, person):
            shown = "nothing" if leaf.target is None else repr(at(person, leaf.target))
            place = "" if leaf.target is None else " at " + ".".join(map(str, leaf.target))
            problems.append(f"LOST {leaf.where} = {leaf.value!r}{place}: the answer has {shown}")
    for agency, felkod in walked.facade_errors.items():
        for name in AGENCIES[agency]:
            fel = at(person, (name, "fel"))
            if not isinstance(fel, dict) or (fel["kalla"], fel["felkod"]) != ("FACADE", felkod):
                problems.append(f"LOST {agency}: expected the facade's {felkod}, got {fel!r}")
    for agency in walked.answered:
        for name in AGENCIES[agency]:
            if at(person, (name, "fel")) is not None:
                problems.append(f"LOST {agency}: it answered, but {name}.fel is set")
    problems += made_up(walked, person)
    return problems


def made_up(walked: Walk, person: dict[str, Any]) -> list[str]:
    """Non-null scalars of the agencies' parts of the answer that no leaf sent accounts for."""
    accounted = {leaf.target for leaf in walked.leaves if leaf.target is not None}
    problems = []
    for agency, names in AGENCIES.items():
        if agency in walked.facade_errors:
            continue
        for name in names:
            for path, value in scalars(person.get(name), (name,)):
                # A CSN week leaf accounts for its week object (`text` and what is derived).
                if value is None or path in accounted or path[:-1] in accounted:
                    continue
                if type_at(path)[:2] in DERIVED:
                    continue
                problems.append(f"MADE UP {agency}:{'.'.join(map(str, path))} = {value!r}")
    return problems


def scalars(tree: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    """Every scalar of an answer subtree with its path, leaving out `fel` (checked on its own)
    and the kept lists, whose entries are looked up by path."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key in ("fel", "ovrigaElement", "ovrigaFalt"):
                continue
            yield from scalars(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from scalars(value, (*path, index))
    else:
        yield path, tree


def _whole_call(walked: Walk, answer: dict[str, Any]) -> list[str]:
    """A call that failed as a whole: the SOAP fault's codes in every error it caused, each in
    its place: `felkod` and `faultcode` as the extensions of those names. Its texts
    (`felmeddelande`, `faultstring`) are never passed on: they can name the person, which only
    numbers can be redacted from (tests/test_fault_matrix.py); an error holding one is a leak."""
    errors = answer.get("errors") or []
    if not errors:
        return ["LOST: the call failed, but the answer has no errors"]
    if walked.fault is None:
        whole = {"UPSTREAM_UNAVAILABLE", "UPSTREAM_INVALID_RESPONSE"}
        return [
            f"LOST: not a failed call: {e!r}"
            for e in errors
            if e["extensions"]["code"] not in whole
        ]
    fault = walked.fault
    problems = []
    for error in errors:
        extensions = error.get("extensions") or {}
        expected = [
            (f"extensions.{name}", value, extensions.get(name) == value)
            for name in ("felkod", "faultcode")
            for value in fault[name]
        ]
        problems += [
            f"LOST fault: {value!r} is not the error's {place}: {error!r}"
            for place, value, shown in expected
            if not shown
        ]
        problems += [
            f"LEAKED fault text: {value!r} is in the error: {error!r}"
            for value in fault["felmeddelande"] + fault["faultstring"]
            if value.strip() and value.strip() in str(error)
        ]
    return problems


# -- the facade and the simulator -------------------------------------------------------------


@dataclass(repr=False)
class Pair:
    """A facade and its simulator; the raw answers SSBTEK sent, each changed by `change` on its
    way to the facade when a test sets it."""

    api: Facade
    received: list[bytes] = field(default_factory=list)
    change: Callable[[bytes], bytes] | None = None

    def __repr__(self) -> str:  # hypothesis would print every answer received
        return "Pair(facade, simulator)"

    def keep(self, content: bytes) -> bytes:
        """The answer as the facade is to read it, noted."""
        if self.change is not None:
            content = self.change(content)
        self.received.append(content)
        return content

    def ask(
        self,
        personnummer: str,
        period: dict[str, str],
        change: Callable[[bytes], bytes] | None = None,
    ) -> tuple[bytes, dict[str, Any]]:
        """The whole-Person answer and the one raw SOAP answer behind it."""
        self.received.clear()
        self.change = change
        try:
            answer = self.api.query(QUERY, {"pnr": personnummer, "period": period})
        finally:
            self.change = None
        assert len(self.received) == 1, f"{len(self.received)} SSBTEK answers for one question"
        return self.received[0], answer


@contextmanager
def _pair() -> Iterator[Pair]:
    original = resolvers.client._answer_element
    # `langsam` answers after a short wait, as a synthetic person, within the facade's timeout.
    with (
        pytest.MonkeyPatch.context() as patch,
        simulator(SimulatorConfig(slow_seconds=0.05)) as sim,
        facade(facade_env(sim.url)) as api,
    ):
        running = Pair(api)

        def keep(status: int, content: bytes, operation: str) -> Any:
            if operation == "hamtaBastjanstInformation":
                content = running.keep(content)
            return original(status, content, operation)

        patch.setattr(resolvers.client, "_answer_element", keep)
        yield running


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    with _pair() as running:
        yield running


def report(personnummer: str, problems: list[str]) -> str:
    per_agency = Counter(p.split(":")[0].split(" ")[-1] for p in problems)
    return (
        f"{len(problems)} values lost or made up for {personnummer} "
        f"({', '.join(f'{a}: {n}' for a, n in sorted(per_agency.items()))}):\n"
        + "\n".join(problems[:40])
    )


@pytest.mark.parametrize(
    "personnummer", list(SCENARIO_PEOPLE), ids=[s.value for s in SCENARIO_PEOPLE.values()]
)
def test_nothing_a_scenario_person_is_sent_is_lost(pair: Pair, personnummer: str) -> None:
    content, answer = pair.ask(personnummer, PERIOD)
    walked = walk_answer(content)
    if SCENARIO_PEOPLE[personnummer] in (Scenario.OTILLGANGLIG, Scenario.TRASIG):
        assert walked.no_envelope
    elif SCENARIO_PEOPLE[personnummer] is not Scenario.SOAP_FAULT:
        assert walked.leaves, "the walk found no value in the answer"
    problems = losses(content, answer)
    assert not problems, report(personnummer, problems)


@st.composite
def people(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    """A generated person (personnummer or samordningsnummer) that is no scenario person, and a
    period of one to twelve months."""
    birth = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2012, 12, 31)))
    number = valid_personnummer(birth, draw(st.integers(0, 999)), draw(st.booleans()))
    start = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 1)))
    first = start.replace(day=1)
    months = draw(st.integers(1, 12))
    end = first
    for _ in range(months):
        end = (end + timedelta(days=32)).replace(day=1)
    period = {"from": first.isoformat(), "tom": (end - timedelta(days=1)).isoformat()}
    return number, period


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(person=people())
def test_nothing_a_generated_person_is_sent_is_lost(
    pair: Pair, person: tuple[str, dict[str, str]]
) -> None:
    personnummer, period = person
    if personnummer in SCENARIO_PEOPLE:
        return
    content, answer = pair.ask(personnummer, period)
    assert walk_answer(content).leaves
    problems = losses(content, answer)
    assert not problems, report(personnummer, problems)


# -- what is left out stays null ----------------------------------------------------------------

ALLA = "198503151238"
ROUNDS = 6
# Left out of nothing: without it CSN's document cannot be read at all (its version), which is
# the facade's INVALID_PAYLOAD, not a value made up.
KEEP = frozenset({("CSN", "@schemaVersion")})


def leaf_names(content: bytes) -> list[tuple[str, str]]:
    """(agency, local name or `@attribute`) of every XML leaf element and attribute, and
    (FK, JSON property) of every scalar-valued LEFI property, in the answer."""
    names: set[tuple[str, str]] = set()
    for agency, document in payloads(etree.fromstring(content)):
        if isinstance(document, dict):
            names |= {("FK", key) for key in _json_keys(document)}
            continue
        for element in document.iter():
            if not isinstance(element.tag, str):
                continue
            names |= {(agency, f"@{name}") for name, _ in attributes(element)}
            if element is not document and not child_elements(element):
                names.add((agency, local(element)))
    return sorted(names - KEEP)


def payloads(envelope: Any) -> Iterator[tuple[str, Any]]:
    """Each agency's `data` (XML agencies) or its payload, read (CSN, SKV: XML; FK: JSON)."""
    for data in envelope.iterfind(".//{*}svarsdata/*/{*}data"):
        agency = local(data.getparent())
        if agency in TABLES:
            yield agency, data
            continue
        [payload] = child_elements(data)
        if agency == "SKV":
            yield agency, etree.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", payload.text).encode())
        elif agency == "CSN":
            yield agency, etree.fromstring(base64.b64decode(payload.text))
        else:
            # floats: the simulator writes its numbers from floats, so they are written back as sent
            yield agency, json.loads(base64.b64decode(payload.text))


def _json_keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(item, dict | list):
                yield key
            yield from _json_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_keys(item)


def leave_out(names: set[tuple[str, str]]) -> Callable[[bytes], bytes]:
    """A change of a raw answer: every leaf element, attribute or scalar LEFI property of these
    names left out of each agency's data, as if the agency had not sent it."""

    def change(content: bytes) -> bytes:
        envelope = etree.fromstring(content)
        for agency, document in payloads(envelope):
            drop = {name for owner, name in names if owner == agency}
            if isinstance(document, dict):
                document = _without(document, drop)
            else:
                for element in list(document.iter()):
                    if not isinstance(element.tag, str):
                        continue
                    for key in list(element.attrib):
                        if f"@{etree.QName(key).localname}" in drop:
                            del element.attrib[key]
                    if local(element) in drop and not child_elements(element):
                        element.getparent().remove(element)
            if agency not in TABLES:
                _store(envelope, agency, document)
        return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")

    return change


def _without(value: Any, drop: set[str]) -> Any:
    if isinstance(value, dict):
        return {
            key: _without(item, drop)
            for key, item in value.items()
            if isinstance(item, dict | list) or key not in drop
        }
    if isinstance(value, list):
        return [_without(item, drop) for item in value]
    return value


def _store(envelope: Any, agency: str, document: Any) -> None:
    """Put a changed payload back where the agency sends it."""
    [payload] = envelope.findall(f".//{{*}}svarsdata/{{*}}{agency}/{{*}}data/*")
    if agency == "FK":
        payload.text = base64.b64encode(json.dumps(document, ensure_ascii=False).encode()).decode()
    elif agency == "CSN":
        payload.text = base64.b64encode(etree.tostring(document, encoding="UTF-8")).decode()
    else:
        payload.text = etree.tostring(document, encoding="unicode")


@pytest.fixture(scope="module")
def names(pair: Pair) -> list[tuple[str, str]]:
    """The leaf names of the richest answer, the `alla` person's."""
    content, _ = pair.ask(ALLA, PERIOD)
    return leaf_names(content)


@pytest.mark.parametrize("turn", range(ROUNDS))
def test_what_an_agency_leaves_out_is_null_not_made_up(
    pair: Pair, names: list[tuple[str, str]], turn: int
) -> None:
    """Every leaf name of the `alla` answer is left out once (a sixth of each agency's names per
    turn, all agencies at once): the rest is still all there, and nothing stands in for what is
    missing."""
    left_out = {
        (agency, name)
        for agency in AGENCIES
        for name in [n for a, n in names if a == agency][turn::ROUNDS]
    }
    content, answer = pair.ask(ALLA, PERIOD, change=leave_out(left_out))
    assert walk_answer(content).leaves, "the walk found no value in the answer"
    problems = losses(content, answer)
    assert not problems, report(f"{ALLA} without {sorted(left_out)}", problems)


# -- what the facade does not model is kept ---------------------------------------------------

# Unknown LEFI values, each a different kind: decimals that a float would change (a trailing
# zero, more digits than a float holds), a whole number, text, and a nested object.
OPEN_JSON = ("1250.50", "0.1000000000000000055511151231257827", "7", '"text"',
             '{"a": [1.0, "x", true, null], "b": {}}')  # fmt: skip
_PLACEHOLDER = re.compile(r'"\\u0000(\d+)\\u0000"')


def add_open_content(content: bytes) -> bytes:
    """The answer with content the facade does not model added everywhere: in every XML
    element that holds others an element `Okand` (with an attribute) and on every other one an
    attribute `okand`; in every LEFI object a property `okandEgenskap`, its value one of
    OPEN_JSON in turn."""
    envelope = etree.fromstring(content)
    for agency, document in payloads(envelope):
        if isinstance(document, dict):
            turn = iter(range(10**9))
            document = _with_unknown(document, turn)
            text = json.dumps(document, ensure_ascii=False)
            text = _PLACEHOLDER.sub(lambda m: OPEN_JSON[int(m[1]) % len(OPEN_JSON)], text)
            [payload] = envelope.findall(".//{*}svarsdata/{*}FK/{*}data/*")
            payload.text = base64.b64encode(text.encode()).decode()
            continue
        for element in list(document.iter()):
            if not isinstance(element.tag, str):
                continue
            if child_elements(element) or element is document:
                namespace = etree.QName(element).namespace
                added = etree.SubElement(element, etree.QName(namespace, "Okand") if namespace
                                         else "Okand")  # fmt: skip
                added.text = f"okänt i {local(element)}"
                added.set("sort", "öppet innehåll")
            elif not is_nil(element):
                element.set("okand", f"attribut på {local(element)}")
        if agency not in TABLES:
            _store(envelope, agency, document)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _with_unknown(value: Any, turn: Iterator[int]) -> Any:
    if isinstance(value, dict):
        changed = {key: _with_unknown(item, turn) for key, item in value.items()}
        changed["okandEgenskap"] = f"\u0000{next(turn)}\u0000"
        return changed
    if isinstance(value, list):
        return [_with_unknown(item, turn) for item in value]
    return value


@pytest.mark.parametrize("personnummer", [ALLA, NUMBER_OF[Scenario.FEL_AF]])
def test_what_the_facade_does_not_model_is_kept(pair: Pair, personnummer: str) -> None:
    content, answer = pair.ask(personnummer, PERIOD, change=add_open_content)
    assert b"Okand" in content
    problems = losses(content, answer)
    assert not problems, report(f"{personnummer} with open content", problems)


# -- the check itself finds what is taken away ---------------------------------------------------


def _other(value: Any) -> Any:
    """A value of the same JSON kind that is not `value`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "9"
    return None


def test_the_check_misses_each_value_taken_away(pair: Pair) -> None:
    """The `alla` answer with one value changed at a time, at its typed place or in the kept
    lists, fails the check for that value; so do list items swapped, a value the agency did
    not send, and a SOAP fault's code changed in the error."""
    content, answer = pair.ask(ALLA, PERIOD, change=add_open_content)
    person = answer["data"]["person"]
    walked = walk_answer(content)
    typed: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for leaf in walked.leaves:
        if leaf.target is not None and found(leaf, person) and not found_kept(leaf, person):
            holder, key = at(person, leaf.target[:-1]), leaf.target[-1]
            saved = holder[key]
            holder[key] = _other(saved)
            assert not found(leaf, person), leaf
            holder[key] = saved
            typed[leaf.agency] += 1
        elif leaf.kept is not None and found_kept(leaf, person):
            for entry in at(person, leaf.kept.entries):
                saved = entry["value"]
                entry["value"] = "null" if leaf.kept.json else _other(saved)
                still = found_kept(leaf, person)
                entry["value"] = saved
                if not still:
                    break
            else:
                raise AssertionError(f"no kept entry holds {leaf}")
            kept[leaf.agency] += 1
    assert set(typed) == set(AGENCIES) | {"PM"}, typed
    assert set(kept) == set(AGENCIES) | {"PM"}, kept
    utbetalningar = person["akassorna"]["arbetsloshetsersattningar"][0]["utbetalningar"]
    utbetalningar.reverse()
    assert any("akassorna" in problem for problem in losses(content, answer))
    utbetalningar.reverse()
    person["migrationsverket"]["svar"][1]["tomDatum"] = "2030-01-01"  # the PUT has none
    assert any(problem.startswith("MADE UP MIV") for problem in losses(content, answer))
    content, answer = pair.ask(NUMBER_OF[Scenario.SOAP_FAULT], PERIOD)
    assert not losses(content, answer)
    answer["errors"][-1]["extensions"]["felkod"] = "ANNAN-KOD"
    assert losses(content, answer)
