#!/usr/bin/env python3
"""Builds the name lists of PII018 (person names) from the Faker wheel.

    scripts/guard/setup.sh
    target/guard/venv/bin/python scripts/guard/names.py

Reads the person providers of `faker` 40.63.0 (MIT; unpacked by setup.sh into
target/guard/pkgs/faker, parsed with `ast`, nothing imported or run) for the locales
below, and writes, sorted, one name a line:

- crates/rampart-guard/data/given_names.txt: given names;
- crates/rampart-guard/data/surnames.txt: family names;
- crates/rampart-guard/data/names-LICENSE.txt: Faker's licence (MIT), which the lists
  are distributed under;
- crates/rampart-guard/data/common_word_names.txt: given names that are also ordinary
  words, found as lowercase words in the ordinary (benign) training texts of CLS001
  (datasets.training_examples) at least twice ("will", "may", "grace", "mark"): PII018
  reports them only before a known family name.

A name is kept when it is written in Latin letters (no character above U+024F), starts
with a capital, has at least two letters and only letters, hyphens and apostrophes.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FAKER = os.path.join(ROOT, "target", "guard", "pkgs", "faker", "faker", "providers", "person")
DATA = os.path.join(ROOT, "crates", "rampart-guard", "data")

# the seven languages the guard reads, and the origins of names common in their countries
LOCALES = (
    "en_US en_GB en_IE en_IN en_NZ en_KE en_NG en_PK de_DE de_AT de_CH fr_FR fr_BE fr_CH "
    "fr_QC es_ES es_MX es_AR es_CO es_CL it_IT pt_PT pt_BR nl_NL nl_BE pl_PL sv_SE da_DK "
    "no_NO fi_FI cs_CZ sk_SK hu_HU ro_RO hr_HR sl_SI tr_TR id_ID vi_VN et_EE lt_LT lv_LV "
    "ga_IE is_IS"
).split()

GIVEN = re.compile(r"^first_names(_male|_female|_nonbinary)?$")
FAMILY = re.compile(r"^last_names(_male|_female)?$")


def strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def provider_names(path: str) -> tuple[set[str], set[str]]:
    tree = ast.parse(open(path, encoding="utf-8").read())
    given, family = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name) and GIVEN.match(t.id):
                    given |= set(strings(node.value))
                elif isinstance(t, ast.Name) and FAMILY.match(t.id):
                    family |= set(strings(node.value))
    return given, family


def kept(name: str) -> bool:
    return (
        len(name) >= 2
        and name[0].isupper()
        and all(c.isalpha() or c in "-'" for c in name)
        and all(ord(c) <= 0x24F for c in name)
    )


def main() -> None:
    given: set[str] = set()
    family: set[str] = set()
    for loc in LOCALES:
        g, f = provider_names(os.path.join(FAKER, loc, "__init__.py"))
        given |= {n for n in g if kept(n)}
        family |= {n for n in f if kept(n)}
    sys.path.insert(0, HERE)
    import datasets

    words: Counter[str] = Counter()
    for text, label, _ in datasets.training_examples():
        if label == 0:
            words.update(re.findall(r"(?<![\w'])[a-zà-ÿ]+(?![\w'])", text))
    common = {n for n in given if words[n.lower()] >= 2 and n.lower() == n.lower().casefold()}
    for name, rows in (("given_names.txt", given), ("surnames.txt", family), ("common_word_names.txt", common)):
        with open(os.path.join(DATA, name), "w", encoding="utf-8") as f:
            f.write("".join(n + "\n" for n in sorted(rows)))
        print(f"{name}: {len(rows)}")
    licence = os.path.join(os.path.dirname(os.path.dirname(FAKER)), "..", "faker-40.63.0.dist-info", "licenses", "LICENSE.txt")
    with open(licence, encoding="utf-8") as f, open(os.path.join(DATA, "names-LICENSE.txt"), "w", encoding="utf-8") as out:
        out.write("given_names.txt, surnames.txt and common_word_names.txt are built by scripts/guard/names.py\n"
                  "from the person-name lists of Faker 40.63.0 (https://github.com/joke2k/faker), under its licence:\n\n")
        out.write(f.read())


if __name__ == "__main__":
    main()
