"""Constants of the address book that are not choices: lengths, schemes and code lists."""

from __future__ import annotations

NAME_MAX_LENGTH = 256
DESCRIPTION_MAX_LENGTH = 1024
IDENTIFIER_MAX_LENGTH = 256
CODE_MAX_LENGTH = 64
# A sub-organisation's key within its participant (an HSA-id is at most 31 characters).
LOCAL_IDENTIFIER_MAX_LENGTH = 64

# ISO 6523 International Code Designators approved for SDK participant identifiers.
ICD_SDK_DOMAIN = "0203"  # Digg's SDK scheme: a domain name, e.g. 0203:malmo.se
ICD_ORGANIZATION_NUMBER = "0007"  # Swedish organisation number, 10 digits
ICD_GLN = "0088"  # GS1 Global Location Number, 13 digits
APPROVED_ICDS = (ICD_SDK_DOMAIN, ICD_ORGANIZATION_NUMBER, ICD_GLN)

# A parent chain (organisations, codes) longer than this is a data error, and would make
# tree queries expensive.
MAX_TREE_DEPTH = 32
