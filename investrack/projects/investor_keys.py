"""What makes two investors the same one (撞单): the unified social credit code, checked by
its GB 32100-2015 check character, and the company name as officials type it, normalised.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 18 characters of these 31 (no I, O, S, V, Z); the last is a check character.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The check character of the code's first 17 characters."""
    total = sum(
        CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code_clean(value: str) -> str:
    """The code as kept: upper case, no spaces or full-width characters."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


def validate_credit_code(value: str) -> None:
    code = credit_code_clean(value)
    if not code:
        return
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters (this one has %(n)d)."),
            code="length",
            params={"n": len(code)},
        )
    wrong = [c for c in code if c not in CREDIT_CODE_CHARS]
    if wrong:
        raise ValidationError(
            _("A unified social credit code has no “%(char)s” (I, O, S, V and Z are never used)."),
            code="character",
            params={"char": wrong[0]},
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code's last character does not check: a typing mistake?"),
            code="check",
        )


# Words that differ between the ways one company is written, removed before comparing.
_BRACKETED = re.compile(r"[(（\[【][^)）\]】]{1,8}[)）\]】]")
_LEGAL_FORMS = re.compile(
    r"股份有限公司|有限责任公司|有限公司|股份公司|公司|股份|(coltd|ltd|limited|inc|corp|corporation)$"
)
_NOISE = re.compile(r"[\s·.,，、\-_&'\"“”]+")


def investor_name_key(name: str) -> str:
    """A company name as compared for duplicates: full-width folded, lower case, without
    spaces, punctuation, bracketed notes such as （中国） and the legal form (有限公司, 股份 …).
    宁德时代新能源科技股份有限公司 and 宁德时代新能源科技有限公司 give the same key."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _BRACKETED.sub("", text)
    text = _NOISE.sub("", text)
    text = _LEGAL_FORMS.sub("", text)
    return text[:128] or _NOISE.sub("", (name or "").lower())[:128]
