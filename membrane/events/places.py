"""Postcodes and départements: which département a French postcode is in,
and what a département filter may say."""

import re

_POSTCODE = re.compile(r"\d{5}")
_DEPARTEMENT = re.compile(r"(0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5]|2[AB]|97[1-6])")
# Corsica's postcodes start with 20: Corse-du-Sud (2A) below 20200, Haute-Corse
# (2B) from 20200 (Bastia 20200, Corte 20250, Calvi 20260, Porto-Vecchio 20137).
_CORSICA_SPLIT = 20200


def is_postcode(value: str) -> bool:
    return bool(_POSTCODE.fullmatch(value))


def departement_of(postcode: str) -> str:
    """The département code of a postcode ("" if it is no French postcode):
    "75" for 75011, "2A" for 20000, "2B" for 20200, "974" for 97400."""
    if not is_postcode(postcode):
        return ""
    if postcode.startswith("97"):
        code = postcode[:3]
        return code if _DEPARTEMENT.fullmatch(code) else ""
    if postcode.startswith("98"):
        return ""  # Monaco and the overseas collectivities of the Pacific
    if postcode.startswith("20"):
        return "2A" if int(postcode) < _CORSICA_SPLIT else "2B"
    if postcode.startswith("00"):
        return ""
    return postcode[:2]


def normalise_departement(value: str) -> str | None:
    """A département code as typed ("2a", "01", "974") in its canonical
    form, or None if it is none."""
    value = value.strip().upper()
    if len(value) == 1 and value.isdigit():
        value = "0" + value
    return value if _DEPARTEMENT.fullmatch(value) else None
