"""The language of the text the library writes into figures and printed results.

The book has an English and a Chinese edition whose notebooks run the same code; the only
difference is the setup cell's ``set_language("en")`` / ``set_language("zh")``. Everything
a reader sees that the library writes (figure titles, axis labels, hover text, captions,
control labels) goes through :func:`text`, which looks the English string up in the catalog
of the current language; an English string with no entry stays English. One catalog per
language, one entry per string: no copies of figure functions.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

# English -> Chinese. Keys are the exact English strings the library uses.
ZH: dict[str, str] = {}

CATALOGS: dict[str, dict[str, str]] = {"en": {}, "zh": ZH}

_language = "en"


def set_language(language: str) -> None:
    """Choose the language of the library's text: ``"en"`` (default) or ``"zh"``."""
    global _language
    if not isinstance(language, str):
        raise TypeError(f"language must be a str, one of {LANGUAGES}, "
                        f"not {type(language).__name__}")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    _language = language


def get_language() -> str:
    return _language


def text(english: str) -> str:
    """``english`` in the current language (unchanged where the catalog has no entry)."""
    return CATALOGS[_language].get(english, english)
