"""Feature extraction shared by train.py; mirrors crates/rampart-guard/src/classifier.rs.

Text: NFKC, invisible characters removed, lowercase, first 4000 characters, URL and
e-mail tokens masked as `url` / `email`, padded with one space each side. Features: character 3-5-grams hashed as crc32(b"c" + ngram) and
word 1-2-grams (words = runs of alphanumerics and "_", bigrams joined by a space)
hashed as crc32(b"w" + ngram), bucket = hash mod 2^bits. Values: occurrence counts
divided by the square root of the number of occurrences.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib

MAX_CHARS = 4000
INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u202a-\u202e\u2066-\u2069\U000e0000-\U000e01ef]")
WORD = re.compile(r"\w+")


def prepare(text: str) -> str:
    t = INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return "".join(c.lower() if len(c.lower()) == 1 and len(c.lower().encode()) == len(c.encode()) else c for c in t)


TOKEN = re.compile(r"[^ \t\n\r]+")


def _mask_token(m: re.Match) -> str:
    tok = m.group(0)
    if "://" in tok or "www." in tok:
        return "url"
    at = tok.find("@", 1)
    if at > 0 and "." in tok[at + 1:]:
        return "email"
    return tok


def mask_addresses(text: str) -> str:
    """Every URL token as `url`, every e-mail token as `email` (classifier.rs's
    mask_addresses: tokens are runs of characters other than space, tab, CR, LF)."""
    if "@" not in text and "://" not in text and "www." not in text:
        return text
    return TOKEN.sub(_mask_token, text)


def hashed(text: str, bits: int, addresses_masked: bool = True) -> tuple[list[int], float]:
    """Bucket indices of every occurrence, and the normaliser 1/sqrt(count). CLS001
    masks addresses; the ONNX input (classifier.rs's hashed_features) does not."""
    mask = (1 << bits) - 1
    t = prepare(text)[:MAX_CHARS]
    t = " " + (mask_addresses(t) if addresses_masked else t) + " "
    out = []
    crc = zlib.crc32
    n = len(t)
    for k in range(n):
        for m in (3, 4, 5):
            if k + m > n:
                break
            out.append(crc(b"c" + t[k:k + m].encode()) & mask)
    words = WORD.findall(t)
    prev = None
    for w in words:
        out.append(crc(b"w" + w.encode()) & mask)
        if prev is not None:
            out.append(crc(b"w" + (prev + " " + w).encode()) & mask)
        prev = w
    return out, (1.0 / math.sqrt(len(out)) if out else 0.0)
