"""Gettext set-up: English source strings, Simplified Chinese and English catalogs.

Every user-visible string goes through `_()`. Strings defined at import time are marked with
`N_()` and translated where they are shown, so a language switch takes effect everywhere.
"""

from __future__ import annotations

import contextlib
import gettext
import locale
import os
from pathlib import Path

DOMAIN = "afterdesk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = {"zh": "zh_CN", "en": "en"}

_translations: gettext.NullTranslations = gettext.NullTranslations()
_current = "en"


def default_language() -> str:
    """Chinese on a Chinese system, English elsewhere (AFTERDESK_LANG overrides)."""
    env = os.environ.get("AFTERDESK_LANG", "")
    if env in LANGUAGES:
        return env
    names: list[str] = []
    with contextlib.suppress(ValueError):
        names.append(locale.getlocale()[0] or "")
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        names.append(os.environ.get(var, ""))
    if os.name == "nt":
        try:
            import ctypes

            lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
            names.append(locale.windows_locale.get(lcid, ""))
        except (AttributeError, OSError):
            pass
    return "zh" if any(n.lower().startswith(("zh", "chinese")) for n in names) else "en"


def setup(lang: str | None = None) -> str:
    """Load the catalog for `lang` ("zh" or "en"; None: the system default); returns it."""
    global _translations, _current
    code = lang if lang in LANGUAGES else default_language()
    try:
        _translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[LANGUAGES[code]])
    except OSError:
        _translations = gettext.NullTranslations()
    _current = code
    return code


def current_language() -> str:
    return _current


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` translated in `context` (msgctxt): one English word with two meanings gets two
    translations, e.g. ("record", "Case") 售后单 and the accessory "case" 保护壳."""
    return _translations.pgettext(context, message)


def NC_(context: str, message: str) -> str:
    """Mark a string with its context for extraction; translate it later with `pgettext`."""
    return message


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message
