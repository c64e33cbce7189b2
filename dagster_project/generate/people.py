"""Synthetic names, postcodes and identifiers. Every character is representable in Windows-1252, so
the same data can be written as UTF-8 or cp1252 (accents and apostrophes included on purpose)."""

from __future__ import annotations

import numpy as np

FORENAMES = np.array([
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Mia", "Jack", "Ivy", "Leo", "Freya",
    "Arthur", "Lily", "Muhammad", "Florence", "Oscar", "Grace", "Charlie", "Sophia", "Jacob", "Emily", "Thomas",
    "Poppy", "Alfie", "Evie", "Riley", "Ella", "Joshua", "Willow", "Zoë", "Chloé", "Renée", "José", "Björn",
    "Siân", "Niamh", "Seán", "Aoife", "Dáire", "Zoé", "Amélie", "Noël", "Aylin", "Jürgen", "Maëlle", "Kai",
    "Aaliyah", "Tyler", "Jayden", "Lacey", "Kian", "Ruby", "Mason", "Paige", "Callum", "Shannon", "Reece",
    "Leah", "Declan", "Caitlín", "Amir", "Fatima", "Yusuf", "Aisha", "Kofi", "Ama",
])  # fmt: skip
SURNAMES = np.array([
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "O'Brien",
    "O'Neil", "D'Souza", "O'Connor", "Müller", "Jönsson", "Núñez", "Brontë", "Desprès", "Ahmed", "Khan", "Ali",
    "Hussain", "Begum", "Kowalski", "Nowak", "Murphy", "Kelly", "Byrne", "Okafor", "Mensah", "Campbell",
    "Stewart", "MacDonald", "Price", "Bennett", "Ward", "Fox",
])  # fmt: skip

_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))


def names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return FORENAMES[rng.integers(0, len(FORENAMES), n)], SURNAMES[rng.integers(0, len(SURNAMES), n)]


def postcodes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Fictional `ZZ99 nLL` postcodes (ZZ99 is the NHS pseudo-postcode prefix: never a real address)."""
    digit = rng.integers(0, 10, n).astype(str)
    a, b = _LETTERS[rng.integers(0, len(_LETTERS), n)], _LETTERS[rng.integers(0, len(_LETTERS), n)]
    return np.char.add(np.char.add(np.char.add("ZZ99 ", digit), a), b).astype(object)


def ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded identifiers, e.g. ids("R", [1, 2], 7) -> R0000001, R0000002 (letters/digits only)."""
    return np.char.add(prefix, np.char.zfill(np.asarray(numbers).astype(str), width)).astype(object)
