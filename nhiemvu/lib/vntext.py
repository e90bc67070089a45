"""Vietnamese text helpers: NFC, tone-mark placement, unaccenting, white space folding.

No Django here: the extractor and the web code both use these.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold_space", "new_tone_placement", "nfc", "normalise", "unaccent"]

# Tone marks as combining characters (NFD), in the order Vietnamese keyboards emit them.
_TONES = "\u0301\u0300\u0309\u0303\u0323"  # sắc, huyền, hỏi, ngã, nặng

# Old style ("hoá", "thuỷ", "hoà") puts the tone on the second vowel of an open oa/oe/uy syllable;
# the style of Decree 30/2020 documents and of most registries puts it on the first ("hóa", "thủy").
# Working in NFD lets one pattern cover every tone and both cases. A syllable-final consonant
# ("hoàng", "khoẻn") keeps the tone where it is in both styles, hence the look-ahead; "qu"/"gi"
# are consonants, so "quý" is left alone.
_OLD_TONE_RE = re.compile(
    r"""
    (?<![qQ])                 # "quý", "quỳ": the u belongs to the consonant qu
    ([oOuU])                  # first vowel of the diphthong
    ([aAeEyY])                # second vowel, plain: "uâ", "oă", "uơ" are other vowels and keep their tone
    ([\u0301\u0300\u0309\u0303\u0323])  # the tone mark itself
    (?![\u0300-\u036f])       # no circumflex/breve/horn after it (NFD puts the dot below first: "thuật")
    (?![^\W\d_])              # the syllable ends here: no final consonant or further vowel
    """,
    re.VERBOSE,
)

_SPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def nfc(text: str) -> str:
    """Compose to NFC (Vietnamese files from Mac or some PDFs arrive decomposed).

    >>> nfc("Nghe\u0302\u0323 An") == "Nghệ An"
    True
    """
    return unicodedata.normalize("NFC", text)


def new_tone_placement(text: str) -> str:
    """Move tone marks from old-style placement to the new style: hoá→hóa, thuỷ→thủy, hoà→hòa.

    >>> new_tone_placement("Phòng Văn hoá, Uỷ ban, thuỷ lợi, quý, hoàng")
    'Phòng Văn hóa, Ủy ban, thủy lợi, quý, hoàng'
    >>> new_tone_placement("KHOÁ HỌC, kỹ thuật, hoặc, khoẻ, khuỷu")
    'KHÓA HỌC, kỹ thuật, hoặc, khỏe, khuỷu'
    """
    if not any(c in text for c in "áàảãạÁÀẢÃẠéèẻẽẹÉÈẺẼẸýỳỷỹỵÝỲỶỸỴ"):
        return text
    decomposed = unicodedata.normalize("NFD", text)
    if not _OLD_TONE_RE.search(decomposed):
        return text
    fixed = _OLD_TONE_RE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return unicodedata.normalize("NFC", fixed)


def fold_space(text: str) -> str:
    """Fold runs of spaces/tabs/no-break spaces to one space and trim (new lines are kept).

    >>> fold_space("  Số:\u00a0\u00a0 /KH-SNN ")
    'Số: /KH-SNN'
    """
    return "\n".join(_SPACE_RE.sub(" ", line).strip() for line in text.split("\n")).strip()


def normalise(text: str) -> str:
    """NFC, new tone placement, Unix new lines, folded spaces: what every later stage expects.

    >>> normalise("Thu\u0309y lo\u031b\u0323i\\r\\nhoá")
    'Thủy lợi\\nhóa'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return fold_space(new_tone_placement(nfc(text)))


def unaccent(text: str) -> str:
    """Strip Vietnamese diacritics, for accent-insensitive matching and slugs.

    >>> unaccent("Đồng chí Nguyễn Phúc Đạt")
    'Dong chi Nguyen Phuc Dat'
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))
