"""Addresses reversed once. ``reverse()`` walks the URL patterns on every call (~35 µs): a
list paid it for each of its 50 rows (twice a row where the row links its problems) and
every page for each item of its menu. An address is reversed once per URL configuration
and script prefix (both in the key: a deployment under a path, a test's own URLs) and
then written: for a record's page, the key put where a marker was reversed."""

from __future__ import annotations

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_MARK = 987654321987  # a key no record has, replaced by the record's own
_reversed: dict[tuple, str] = {}
_split: dict[tuple, tuple[str, str]] = {}


def _where() -> tuple[str, str]:
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


def reversed_once(name: str, *args: str) -> str:
    """``reverse(name, args=args)`` for arguments that are the same on every request (a
    list's slug, say)."""
    key = (name, args, *_where())
    found = _reversed.get(key)
    if found is None:
        found = _reversed[key] = reverse(name, args=args)
    return found


def record_address(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for the page of a record by its integer key."""
    key = (name, *_where())
    parts = _split.get(key)
    if parts is None:
        before, after = reverse(name, args=[_MARK]).split(str(_MARK))
        parts = _split[key] = (before, after)
    return f"{parts[0]}{int(pk)}{parts[1]}"
