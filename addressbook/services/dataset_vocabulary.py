"""Swedish word lists for ``generate_dataset``: service areas, unit names, places and codes.

Names are composed from these lists, so a generated directory reads like a real one
("Vårdcentralen Björkbacka", "Barn- och ungdomspsykiatri", "Äldreomsorg Norr") and searches
for realistic words find realistic numbers of records. Everything here is invented; only
the reference organisations (``fixtures/se_public_orgs.csv``) are real.

Placeholders in templates: ``{place}`` (a place or district), ``{dir}`` (a direction),
``{n}`` (a small number) and ``{letter}`` (A–F).
"""

from __future__ import annotations

from dataclasses import dataclass

from addressbook.choices import OrganizationKind


@dataclass(frozen=True)
class Area:
    """A field of work: how its units are named at each level and which addresses it has."""

    about: str  # "Ansvarar för …" in a unit's description
    departments: tuple[str, ...]  # level 1 of a municipality, region or agency (förvaltning)
    sections: tuple[str, ...]  # level 2 (avdelning)
    units: tuple[str, ...]  # level 3 (enhet); level 1 of a small provider
    teams: tuple[str, ...]  # level 4 and below
    addresses: tuple[tuple[str, str, str], ...]  # (name, code, "keyword, keyword")


def _area(about, departments, sections, units, teams, addresses) -> Area:
    return Area(about, tuple(departments), tuple(sections), tuple(units), tuple(teams), tuple(addresses))


# Data tables, laid out by hand so that a reader sees one list per line.
# fmt: off
REGISTRY = ("Registrator", "registratur", "diarium, registrator, allmänna handlingar")
DATA_PROTECTION = ("Dataskyddsombud", "dataskydd", "GDPR, personuppgifter")

AREAS: dict[str, Area] = {
    "socialtjanst": _area(
        "socialtjänstens stöd till barn, familjer och vuxna",
        ["Socialförvaltningen", "Individ- och familjeomsorgsförvaltningen",
         "Social- och arbetsmarknadsförvaltningen"],
        ["Barn och familj", "Vuxenenheten", "Ekonomiskt bistånd", "Myndighetsavdelningen", "Familjerätt",
         "Mottagning och utredning", "Öppenvård {dir}"],
        ["Familjebehandling {place}", "Mottagningsenheten {dir}", "Utredningsgrupp {place}",
         "Försörjningsstöd {place}", "Stödboende {place}", "Socialjouren {place}"],
        ["Team {place}", "Handläggargrupp {dir}", "Utredningsteam {n}"],
        [("Socialtjänsten, barn och unga", "barn-och-unga", "barn, familj, orosanmälan"),
         ("Orosanmälan barn {place}", "orosanmalan", "orosanmälan, barn"),
         ("Ekonomiskt bistånd", "ekonomiskt-bistand", "försörjningsstöd, bidrag"),
         ("Missbruk och beroende", "missbruk", "beroende, alkohol, narkotika"),
         ("Familjerätt", "familjeratt", "vårdnad, umgänge, faderskap"),
         ("Våld i nära relationer", "vald-i-nara-relationer", "skyddat boende, våld"),
         ("Socialjouren", "socialjour", "akut, jour")],
    ),
    "skola": _area(
        "förskola, skola och elevhälsa",
        ["Utbildningsförvaltningen", "Barn- och utbildningsförvaltningen", "Förskoleförvaltningen",
         "Gymnasie- och vuxenutbildningsförvaltningen"],
        ["Grundskola {dir}", "Förskola {dir}", "Gymnasieskolan", "Elevhälsan", "Vuxenutbildningen",
         "Skolskjuts och antagning"],
        ["{place}skolan", "{place}s förskola", "{place}gymnasiet", "Elevhälsan {place}",
         "Resursskolan {place}"],
        ["Arbetslag {letter}", "Elevhälsoteam {place}", "Fritidshemmet {place}"],
        [("Elevhälsan", "elevhalsa", "skolsköterska, kurator, skolläkare"),
         ("Skolsköterska {place}", "skolhalsovard", "vaccination, hälsobesök"),
         ("Rektor {place}", "grundskola", "rektor, skola"),
         ("Förskolan {place}", "forskola", "barnomsorg, förskola"),
         ("Studie- och yrkesvägledning", "gymnasieskola", "syv, gymnasium"),
         ("Vuxenutbildning", "vuxenutbildning", "komvux, sfi")],
    ),
    "aldreomsorg": _area(
        "äldreomsorg, hemtjänst och hemsjukvård",
        ["Vård- och omsorgsförvaltningen", "Äldreförvaltningen", "Omsorgsförvaltningen"],
        ["Äldreomsorg {dir}", "Hemtjänst", "Särskilt boende", "Hälso- och sjukvårdsenheten",
         "Biståndsenheten"],
        ["Hemtjänstgrupp {place}", "{place}gården", "Äldreboendet {place}", "Hemsjukvård {place}",
         "Korttidsboendet {place}", "Dagverksamhet {place}"],
        ["Team {place}", "Nattpatrullen {dir}", "Avdelning {n}"],
        [("Hemtjänsten {place}", "hemtjanst", "hemtjänst, trygghetslarm"),
         ("Biståndshandläggare äldreomsorg", "bistandsbedomning", "bistånd, ansökan"),
         ("Särskilt boende {place}", "sarskilt-boende", "äldreboende"),
         ("Hemsjukvård {place}", "hemsjukvard", "sjuksköterska, läkemedel"),
         ("Medicinskt ansvarig sjuksköterska (MAS)", "hemsjukvard", "MAS, avvikelse")],
    ),
    "funktionsstod": _area(
        "stöd och service till personer med funktionsnedsättning",
        ["Funktionsstödsförvaltningen", "Förvaltningen för funktionsstöd"],
        ["LSS-handläggning", "Boende med särskild service", "Daglig verksamhet", "Personlig assistans",
         "Socialpsykiatri"],
        ["Gruppbostad {place}", "Daglig verksamhet {place}", "Servicebostad {place}",
         "Korttidsvistelse {place}"],
        ["Team {place}", "Boendestöd {dir}"],
        [("LSS-handläggare", "lss", "LSS, insats"),
         ("Daglig verksamhet {place}", "daglig-verksamhet", "sysselsättning"),
         ("Personlig assistans", "personlig-assistans", "assistans"),
         ("Gruppbostad {place}", "boende-lss", "bostad, LSS")],
    ),
    "samhallsbyggnad": _area(
        "bygglov, miljötillsyn och gator",
        ["Stadsbyggnadsförvaltningen", "Samhällsbyggnadsförvaltningen", "Miljöförvaltningen",
         "Tekniska förvaltningen"],
        ["Bygglov", "Miljö- och hälsoskydd", "Livsmedelskontroll", "Gata och park", "Plan och exploatering"],
        ["Bygglovsenheten {dir}", "Miljötillsyn {place}", "Driftområde {place}"],
        ["Team {dir}"],
        [("Bygglov", "bygglov", "bygglov, ritning"),
         ("Miljö- och hälsoskydd", "miljo-och-halsoskydd", "tillsyn, buller"),
         ("Livsmedelskontroll", "livsmedel", "restaurang, kontroll"),
         ("Felanmälan gata och park", "gata-park", "felanmälan")],
    ),
    "kultur": _area(
        "bibliotek, fritid och föreningsliv",
        ["Kultur- och fritidsförvaltningen"],
        ["Biblioteken", "Fritidsgårdar", "Idrott och anläggningar"],
        ["{place} bibliotek", "Fritidsgården {place}", "{place}badet"],
        ["Team {place}"],
        [("Biblioteket {place}", "bibliotek", "bibliotek, lån"),
         ("Föreningsbidrag", "fritid", "förening, bidrag")],
    ),
    "kommunledning": _area(
        "ledning, service och administration",
        ["Kommunledningskontoret", "Stadsledningskontoret", "Serviceförvaltningen"],
        ["Kansliavdelningen", "HR-avdelningen", "Ekonomiavdelningen", "Digitaliseringsavdelningen",
         "Registratur och arkiv"],
        ["Lönecenter", "IT-support", "Upphandlingsenheten", "Kontaktcenter", "Överförmyndarenheten"],
        ["Team {dir}"],
        [REGISTRY, DATA_PROTECTION,
         ("Kontaktcenter", "kontaktcenter", "växel, medborgarservice"),
         ("Överförmyndaren", "overformyndare", "god man, förvaltare"),
         ("Löneservice", "hr", "lön, personal"),
         ("Arkivet", "arkiv", "arkiv, allmänna handlingar")],
    ),
    "primarvard": _area(
        "primärvård, barnhälsovård och rehabilitering",
        ["Primärvården", "Närsjukvården", "Hälso- och sjukvårdsförvaltningen"],
        ["Närsjukvård {dir}", "Primärvård {place}", "Barnhälsovården", "Mödrahälsovården", "Rehabilitering"],
        ["Vårdcentralen {place}", "Hälsocentralen {place}", "Barnavårdscentralen {place}",
         "Barnmorskemottagningen {place}", "Rehabmottagningen {place}", "Ungdomsmottagningen {place}"],
        ["Team {place}", "Distriktssköterskor {place}", "Läkarmottagning {dir}"],
        [("Vårdcentralen {place}", "vardcentral", "vårdcentral, läkare"),
         ("Barnavårdscentralen {place}", "bvc", "BVC, barnhälsovård"),
         ("Barnmorskemottagningen {place}", "mvc", "MVC, barnmorska"),
         ("Distriktssköterskor {place}", "vardcentral", "distriktssköterska"),
         ("Rehabilitering {place}", "rehabilitering", "fysioterapeut, arbetsterapeut"),
         ("Ungdomsmottagningen {place}", "ungdomsmottagning", "ungdom, preventivmedel")],
    ),
    "psykiatri": _area(
        "psykiatrisk vård för barn, unga och vuxna",
        ["Psykiatriförvaltningen", "Psykiatri, habilitering och hjälpmedel", "Division psykiatri"],
        ["Barn- och ungdomspsykiatri", "Vuxenpsykiatri", "Rättspsykiatri", "Beroendecentrum",
         "Psykiatrisk akutvård"],
        ["BUP-mottagning {place}", "Vuxenpsykiatriska mottagningen {place}", "Psykiatrisk avdelning {n}",
         "Ätstörningsenheten", "Beroendemottagningen {place}", "Psykosmottagningen {place}"],
        ["Team {dir}", "Öppenvårdsteam {place}"],
        [("Barn- och ungdomspsykiatrin (BUP) {place}", "bup", "BUP, barnpsykiatri"),
         ("BUP akut", "bup-akut", "BUP, akut"),
         ("Vuxenpsykiatrin {place}", "vuxenpsykiatri", "psykiatri"),
         ("Rättspsykiatrin", "rattspsykiatri", "rättspsykiatri"),
         ("Beroendemottagningen {place}", "beroende", "beroende, missbruk"),
         ("Ätstörningsenheten", "atstorning", "ätstörning")],
    ),
    "sjukvard": _area(
        "specialiserad sjukvård",
        ["Sjukhusförvaltningen", "Akutsjukvården", "{place} sjukhus", "Universitetssjukhuset"],
        ["Akutkliniken", "Medicinkliniken", "Ortopedkliniken", "Kvinnokliniken", "Geriatriken",
         "Onkologiska kliniken", "Infektionskliniken", "Barn- och ungdomsmedicin"],
        ["Avdelning {n}", "Mottagningen {place}", "Dagvården", "Akutmottagningen", "Operationsavdelningen"],
        ["Team {dir}", "Sektion {letter}"],
        [("Akutmottagningen", "akutsjukvard", "akut"),
         ("Remisser medicinkliniken", "internmedicin", "remiss, medicin"),
         ("Ortopedmottagningen", "ortopedi", "ortoped, remiss"),
         ("Kvinnokliniken", "kvinnosjukvard", "förlossning, gynekologi"),
         ("Geriatriska kliniken", "geriatrik", "äldre"),
         ("Onkologiska kliniken", "onkologi", "cancer"),
         ("Infektionsmottagningen", "infektion", "smitta, infektion")],
    ),
    "tandvard": _area(
        "allmän- och specialisttandvård",
        ["Folktandvården"],
        ["Allmäntandvård {dir}", "Specialisttandvård", "Barn- och ungdomstandvård"],
        ["Folktandvården {place}", "Tandregleringen {place}", "Käkkirurgiska kliniken"],
        ["Team {place}"],
        [("Folktandvården {place}", "allmantandvard", "tandläkare, tandvård"),
         ("Specialisttandvården", "specialisttandvard", "remiss, tandreglering"),
         ("Barntandvården {place}", "allmantandvard", "barn, tandvård")],
    ),
    "regionledning": _area(
        "ledning, vårdgivarservice och administration",
        ["Regionkontoret", "Regionledningskontoret", "Regionservice"],
        ["Kansli", "HR-avdelningen", "Ekonomiavdelningen", "Digitalisering och IT", "Patientnämndens kansli"],
        ["Lönecenter", "IT-servicedesk", "Upphandling", "Vårdgivarservice", "Arkivet"],
        ["Team {dir}"],
        [REGISTRY, DATA_PROTECTION,
         ("Patientnämnden", "patientnamnd", "klagomål, synpunkter"),
         ("Vårdgivarservice", "vardgivarservice", "avtal, vårdval"),
         ("Löneservice", "hr", "lön, personal")],
    ),
    "handlaggning": _area(
        "handläggning av ansökningar och ärenden",
        ["Handläggningsavdelningen", "Avdelningen för beslut och prövning",
         "Avdelningen för stöd och ersättning"],
        ["Enheten för ansökningar", "Enheten för omprövning", "Enheten för utbetalningar",
         "Enheten för utredning"],
        ["Regionkontor {place}", "Handläggningsgrupp {dir}", "Servicekontor {place}", "Lokalkontor {place}"],
        ["Team {place}", "Sektion {letter}"],
        [("Ärendehandläggning {place}", "handlaggning", "ansökan, beslut"),
         ("Omprövning", "omprovning", "överklagande"),
         ("Utbetalningar", "utbetalning", "ersättning"),
         ("Samverkan med vården", "samverkan", "läkarintyg, vård"),
         ("Servicekontor {place}", "kontaktcenter", "besök, service")],
    ),
    "tillsyn": _area(
        "tillsyn, tillstånd och klagomål",
        ["Tillsynsavdelningen", "Avdelningen för tillsyn och kontroll"],
        ["Enheten för tillsyn {dir}", "Enheten för klagomål", "Enheten för tillstånd"],
        ["Inspektionskontor {place}", "Tillsynsgrupp {dir}"],
        ["Team {dir}"],
        [("Tillsyn {dir}", "tillsyn", "inspektion, tillsyn"),
         ("Tillstånd", "tillstand", "ansökan, tillstånd"),
         ("Klagomål och anmälningar", "klagomal", "anmälan, klagomål")],
    ),
    "myndighetsstod": _area(
        "juridik, IT och verksamhetsstöd",
        ["Avdelningen för verksamhetsstöd", "Rättsavdelningen", "IT-avdelningen", "Generaldirektörens stab"],
        ["Enheten för juridik", "Registraturen", "HR-enheten", "Ekonomienheten", "Kommunikationsenheten"],
        ["Servicedesk", "Arkiv och registratur", "Lönegruppen"],
        ["Team {dir}"],
        [REGISTRY, DATA_PROTECTION,
         ("Rättsavdelningen", "juridik", "jurist, yttrande"),
         ("Servicedesk", "it", "IT, support")],
    ),
    "raddningstjanst": _area(
        "räddningstjänst och förebyggande brandskydd",
        ["Räddningsavdelningen", "Förebyggandeavdelningen"],
        ["Räddningscentralen", "Tillsyn brandskydd", "Utbildning"],
        ["Brandstation {place}", "Deltidsstyrkan {place}"],
        ["Skiftlag {letter}"],
        [("Brandskyddstillsyn", "raddningstjanst", "brandskydd, tillsyn"),
         ("Brandstation {place}", "raddningstjanst", "brand, räddning")],
    ),
}

# The areas each kind of participant works in; the first is the one its root addresses use.
AREAS_BY_KIND: dict[str, tuple[str, ...]] = {
    OrganizationKind.MUNICIPALITY: ("kommunledning", "socialtjanst", "skola", "aldreomsorg", "funktionsstod",
                                    "samhallsbyggnad", "kultur"),
    OrganizationKind.REGION: ("regionledning", "primarvard", "psykiatri", "sjukvard", "tandvard"),
    OrganizationKind.GOVERNMENT_AGENCY: ("myndighetsstod", "handlaggning", "tillsyn"),
}

# Private care providers and others: (name template, area). {brand} from BRANDS.
PRIVATE_PROVIDERS = (
    ("Vårdcentralen {place} AB", "primarvard"), ("{brand} Vård AB", "primarvard"),
    ("{brand} Läkarhus {place} AB", "primarvard"), ("{brand} Psykiatri AB", "psykiatri"),
    ("Tandläkarna i {place} AB", "tandvard"), ("{brand} Omsorg AB", "aldreomsorg"),
    ("{brand} Assistans AB", "funktionsstod"), ("{brand} Hemtjänst {place} AB", "aldreomsorg"),
)
OTHER_PARTICIPANTS = (
    ("Räddningstjänsten {place}", "raddningstjanst"), ("Friskolan {brand} {place} AB", "skola"),
    ("{place}s kommunalförbund", "kommunledning"), ("Samordningsförbundet {place}", "socialtjanst"),
)
BRANDS = (
    "Hälsokällan", "Vårdkraft", "Linnéa", "Solgläntan", "Trygga händer", "Nordvård", "Medicor", "Curanda",
    "Kvarnbacken", "Björkdalen", "Läkarhuset", "Friskvården", "Omtanke", "Tryggvård", "Aurora", "Livia",
    "Ängsbacka", "Vårdhuset", "Måsen", "Fyrväpplingen", "Ekhagen", "Sjöglimt", "Källbacken", "Lärkan",
)

PLACE_PREFIXES = (
    "Björk", "Ek", "Lind", "Sjö", "Berg", "Rosen", "Kirse", "Hag", "Ström", "Åker", "Äng", "Hög", "Ny",
    "Ljung", "Gran", "Tall", "Bäck", "Hammar", "Skog", "Sand", "Sol", "Öster", "Väster", "Norr", "Sö",
    "Hassel", "Al", "Lönn", "Vide", "Kvarn", "Kyrk", "Borg", "Gull", "Ros", "Fager", "Mörby", "Stens",
)
PLACE_SUFFIXES = (
    "berg", "backa", "by", "dal", "holm", "hult", "lund", "näs", "torp", "vik", "ås", "äng", "hed", "sta",
    "ryd", "gården", "hagen", "fors", "mo", "ö", "åsen", "bo", "ström", "vall", "tuna",
)
DIRECTIONS = ("Norr", "Söder", "Öster", "Väster", "Centrum", "Nord", "Syd", "Mitt")
LETTERS = "ABCDEF"

# What an address's description adds after its purpose.
ADDRESS_NOTES = (
    "Bemannas vardagar 8–16.", "Svar inom två arbetsdagar.", "Brådskande ärenden: ring växeln.",
    "Läses av handläggare i tjänst.", "Tar emot säkra meddelanden från andra vårdgivare och myndigheter.",
    "Tar emot remisser och remissvar.", "Används inte för akuta ärenden.", "Läses även under sommaren.",
)
ADDRESS_UPDATE_NOTES = (
    "Nya öppettider från och med hösten.", "Ärenden fördelas numera av samordnare.",
    "Sammanslagen med grannenhetens brevlåda.", "Bemannas nu även lördagar.",
)
RENAME_SUFFIXES = (" (nytt namn)", " – sammanslagen", ", mottagning", " och samordning")
# Abbreviations people search for, kept as alternate names.
ABBREVIATIONS = {
    "Barn- och ungdomspsykiatri": "BUP", "Socialförvaltningen": "SOF", "Folktandvården": "FTV",
    "Individ- och familjeomsorgsförvaltningen": "IFO", "Vård- och omsorgsförvaltningen": "VOF",
    "Stadsbyggnadsförvaltningen": "SBF", "Utbildningsförvaltningen": "UBF", "Psykiatriförvaltningen": "PSYK",
}

# fmt: on
CODE_SYSTEM_IDENTIFIER = "2.25.296148352311738021985310931416384112017"  # a UUID-derived OID (2.25 arc)
CODE_SYSTEM_NAME = "Verksamhetsområden (testdata)"
CODE_SYSTEM_DESCRIPTION = (
    "Testdata från manage.py generate_dataset: påhittat kodverk med hierarki för prestandatester."
)
# (code, display name, parent code): parents first. Every code an address template names is here.
# fmt: off
CODES: tuple[tuple[str, str, str], ...] = (
    ("registratur", "Registratur och ärendehantering", ""),
    ("administration", "Administration och stöd", ""),
    *((c, d, "administration") for c, d in (
        ("hr", "Personal och lön"), ("it", "IT och digitalisering"), ("arkiv", "Arkiv"),
        ("dataskydd", "Dataskydd"), ("kontaktcenter", "Kontaktcenter och kundtjänst"), ("juridik", "Juridik"),
        ("overformyndare", "Överförmyndare"), ("patientnamnd", "Patientnämnd"),
        ("vardgivarservice", "Vårdgivarservice"))),
    ("primarvard", "Primärvård", ""),
    *((c, d, "primarvard") for c, d in (
        ("vardcentral", "Vårdcentral"), ("bvc", "Barnavårdscentral"), ("mvc", "Mödravårdscentral"),
        ("rehabilitering", "Rehabilitering"), ("ungdomsmottagning", "Ungdomsmottagning"))),
    ("psykiatri", "Psykiatri", ""),
    *((c, d, "psykiatri") for c, d in (
        ("vuxenpsykiatri", "Vuxenpsykiatri"), ("bup", "Barn- och ungdomspsykiatri"),
        ("rattspsykiatri", "Rättspsykiatri"), ("beroende", "Beroendevård"),
        ("atstorning", "Ätstörningsvård"))),
    ("bup-akut", "BUP akut", "bup"),
    ("specialiserad-vard", "Specialiserad sjukvård", ""),
    *((c, d, "specialiserad-vard") for c, d in (
        ("akutsjukvard", "Akutsjukvård"), ("internmedicin", "Internmedicin"), ("ortopedi", "Ortopedi"),
        ("kvinnosjukvard", "Kvinnosjukvård"), ("geriatrik", "Geriatrik"), ("onkologi", "Onkologi"),
        ("infektion", "Infektionssjukvård"))),
    ("tandvard", "Tandvård", ""),
    ("allmantandvard", "Allmäntandvård", "tandvard"),
    ("specialisttandvard", "Specialisttandvård", "tandvard"),
    ("socialtjanst", "Socialtjänst", ""),
    *((c, d, "socialtjanst") for c, d in (
        ("barn-och-unga", "Barn och unga"), ("ekonomiskt-bistand", "Ekonomiskt bistånd"),
        ("missbruk", "Missbruk och beroende"), ("vald-i-nara-relationer", "Våld i nära relationer"),
        ("socialjour", "Socialjour"))),
    ("orosanmalan", "Orosanmälan", "barn-och-unga"),
    ("familjeratt", "Familjerätt", "barn-och-unga"),
    ("skola", "Skola", ""),
    *((c, d, "skola") for c, d in (
        ("forskola", "Förskola"), ("grundskola", "Grundskola"), ("gymnasieskola", "Gymnasieskola"),
        ("vuxenutbildning", "Vuxenutbildning"), ("elevhalsa", "Elevhälsa"))),
    ("skolhalsovard", "Skolhälsovård", "elevhalsa"),
    ("aldreomsorg", "Äldreomsorg", ""),
    *((c, d, "aldreomsorg") for c, d in (
        ("hemtjanst", "Hemtjänst"), ("sarskilt-boende", "Särskilt boende"), ("hemsjukvard", "Hemsjukvård"),
        ("bistandsbedomning", "Biståndsbedömning"))),
    ("funktionsstod", "Funktionsstöd (LSS)", ""),
    *((c, d, "funktionsstod") for c, d in (
        ("lss", "LSS-handläggning"), ("daglig-verksamhet", "Daglig verksamhet"),
        ("personlig-assistans", "Personlig assistans"), ("boende-lss", "Bostad med särskild service"))),
    ("samhallsbyggnad", "Samhällsbyggnad", ""),
    *((c, d, "samhallsbyggnad") for c, d in (
        ("bygglov", "Bygglov"), ("miljo-och-halsoskydd", "Miljö- och hälsoskydd"),
        ("livsmedel", "Livsmedelskontroll"), ("gata-park", "Gata och park"))),
    ("kultur-och-fritid", "Kultur och fritid", ""),
    ("bibliotek", "Bibliotek", "kultur-och-fritid"),
    ("fritid", "Fritid och föreningsliv", "kultur-och-fritid"),
    ("myndighetsutovning", "Myndighetsutövning", ""),
    *((c, d, "myndighetsutovning") for c, d in (
        ("handlaggning", "Ärendehandläggning"), ("omprovning", "Omprövning"),
        ("utbetalning", "Utbetalningar"),
        ("tillsyn", "Tillsyn"), ("tillstand", "Tillstånd"), ("klagomal", "Klagomål"),
        ("samverkan", "Samverkan"))),
    ("raddningstjanst", "Räddningstjänst", ""),
)
# fmt: on
