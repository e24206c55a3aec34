"""Constants of the address book that are not choices: lengths, schemes and code lists."""

from __future__ import annotations

NAME_MAX_LENGTH = 256
DESCRIPTION_MAX_LENGTH = 1024
IDENTIFIER_MAX_LENGTH = 256
CODE_MAX_LENGTH = 64

# ISO 6523 International Code Designators approved for SDK participant identifiers.
ICD_SDK_DOMAIN = "0203"  # Digg's SDK scheme: a domain name, e.g. 0203:malmo.se
ICD_ORGANIZATION_NUMBER = "0007"  # Swedish organisation number, 10 digits
ICD_GLN = "0088"  # GS1 Global Location Number, 13 digits
APPROVED_ICDS = (ICD_SDK_DOMAIN, ICD_ORGANIZATION_NUMBER, ICD_GLN)

# A parent chain longer than this is a data error (and would make tree queries expensive).
MAX_ORGANIZATION_DEPTH = 32

# ISO 3166-1 alpha-2 country codes (officially assigned).
ISO_3166_ALPHA2 = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()
)
