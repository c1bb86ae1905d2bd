"""Password hashing and the strength rule, with no network call.

Hashing: scrypt (memory-hard: N=2^15, r=8, p=1, about 32 MB per check) through Werkzeug,
which calls ``hashlib.scrypt``; the method is named explicitly so a library default can never
weaken it silently. Older hashes keep working (the method is stored with each hash). Under
gevent workers both run in a real thread (app.off_the_loop), never stalling the worker.

Strength (``check_strength``), for passwords readers choose: at least 10 characters, not one
of the passwords that lead every breach corpus (``common_passwords``), not such a password
with digits or symbols stuck on ("Password2024!"), not one repeated character or a keyboard
or alphabet run, and not the reader's own name or e-mail address.
"""

from __future__ import annotations

import re

from werkzeug.security import check_password_hash, generate_password_hash

from app.limits import PASSWORD_MAX, PASSWORD_MIN
from app.off_the_loop import off_the_loop
from app.services.common_passwords import COMMON_PASSWORDS
from app.services.errors import ValidationError

HASH_METHOD = "scrypt:32768:8:1"
RUNS = ("abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "01234567890")
_AFFIXES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def hash_password(password: str) -> str:
    return off_the_loop(generate_password_hash, password, HASH_METHOD)


def password_matches(password_hash: str, password: str) -> bool:
    return off_the_loop(check_password_hash, password_hash, password)


def _is_run(text: str) -> bool:
    return len(set(text)) <= 2 or any(text in run or text in run[::-1] for run in RUNS)


def weakness(password: str, *, name: str = "", email: str = "") -> str | None:
    """Why ``password`` is too weak to use, or None."""
    if len(password) < PASSWORD_MIN:
        return f"use at least {PASSWORD_MIN} characters"
    if len(password) > PASSWORD_MAX:
        return f"use at most {PASSWORD_MAX} characters"
    folded = password.casefold()
    core = _AFFIXES.sub("", folded)
    if folded in COMMON_PASSWORDS or core in COMMON_PASSWORDS or _is_run(folded.replace(" ", "")):
        return "this password is one of the most common ones; choose another"
    if len(core) < 4 and not folded.isalpha():
        return "this password is mostly digits and symbols around a short word; choose another"
    personal = {part for part in (name.casefold(), email.casefold().split("@")[0]) if part}
    if any(len(part) >= 3 and (part in folded or folded in part) for part in personal):
        return "do not use your name or e-mail address in your password"
    return None


def check_strength(password: object, *, name: str = "", email: str = "") -> str:
    """``password`` if it passes the strength rule; else ValidationError(weak_password)."""
    if not isinstance(password, str):
        raise ValidationError("password must be a string", "weak_password")
    problem = weakness(password, name=name, email=email)
    if problem:
        raise ValidationError(problem, "weak_password")
    return password
