"""A cheap guess at a comment's language, from its script and its most common short words.

The local toxicity model knows only English, so it must not score text in another language
(its English vocabulary would fire on look-alike words and hold comments for no reason). A
comment counts as English unless there is evidence against it:

- most of its letters are outside the Latin script (Cyrillic, Arabic, CJK, ...): the script's
  language where it is unambiguous, else ``None`` (unknown);
- as many or more of its words are function words of another common Latin-script language
  as English function words: that language, or ``None`` when it is a tie.

A short comment with no function words at all ("Idiot.") counts as English: the model sees
only words it knows, and a word of another language rarely is one. tests/test_languages.py
measures the guess on the labelled English set and on comments in other languages.
"""

from __future__ import annotations

import re

ENGLISH = "en"
WORD_RE = re.compile(r"[^\W\d_]+")

# Frequent words that are (almost) only function words of their language. Words shared with
# English ("in", "die", "was", "also", "so", "a", "me") are left out of every other list.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and is are was were be been you your he she it its they them their we our this "
        "that these those of to for with on at by from not but or if what who which when why "
        "how have has had do does did will would should could can just about than there here "
        "all any some more most very my me him her his i im dont its youre theyre isnt no so as "
        "an in a or up out one like men come son hat".split()
    ),
    "de": frozenset(
        "der das und ist nicht ein eine einen dem den des sich mit auf für von zu ich du er sie "
        "wir ihr sind war wird werden auch noch nur aber wenn dass wie oder bei nach aus schon "
        "doch mehr kein keine diese dieser hat haben mal ja nein sehr".split()
    ),
    "fr": frozenset(
        "le la les et est une des du que qui pas pour dans sur au aux ce cette ces il elle nous "
        "vous ils elles je tu sont avec mais ou où donc ne plus tout tous très être avoir fait "
        "comme leur sans été".split()
    ),
    "es": frozenset(
        "el la los las y es una un del que por para con no se su sus lo al como pero más este "
        "esta estos muy ya hay ser son fue está están todo porque yo tú usted ellos".split()
    ),
    "it": frozenset(
        "il lo la gli le e è di che non per con una uno del della dei delle sono anche ma come "
        "più questo questa ci si ho ha hanno io tu lui lei noi voi loro essere molto".split()
    ),
    "pt": frozenset(
        "o os as e é um uma de do da dos das que não para com por se mais como mas ao foi são "
        "está isso este esta muito já eu você ele ela nós eles também".split()
    ),
    "nl": frozenset(
        "de het een en is van dat niet op te zijn voor met er maar ook als bij nog wel geen "
        "ik jij je hij zij wij ze dit deze heeft hebben wordt worden naar dan kan".split()
    ),
    "pl": frozenset(
        "i w nie na się to jest że z do jak ale co tak za po od czy ten ta są był była już tylko "
        "jego jej ich mnie mi ja ty on ona my wy oni bardzo".split()
    ),
    "sv": frozenset(
        "och att det är som en ett på för med av den till inte har om jag du han hon vi de "
        "var men kan så från eller ska också".split()
    ),
}
# Remove from the other languages every word English also uses, so it never counts against.
FUNCTION_WORDS = {
    lang: words if lang == ENGLISH else words - FUNCTION_WORDS[ENGLISH]
    for lang, words in FUNCTION_WORDS.items()
}

# Scripts whose language is unambiguous enough to name (for the http scorer's request).
_SCRIPT_LANGUAGE = (
    (0x0370, 0x03FF, "el"),
    (0x0590, 0x05FF, "he"),
    (0x0E00, 0x0E7F, "th"),
    (0x3040, 0x30FF, "ja"),
    (0xAC00, 0xD7AF, "ko"),
)
LATIN_SHARE_MIN = 0.5


def _script_language(letters: list[str]) -> str | None:
    counts: dict[str, int] = {}
    for ch in letters:
        code = ord(ch)
        for low, high, lang in _SCRIPT_LANGUAGE:
            if low <= code <= high:
                counts[lang] = counts.get(lang, 0) + 1
                break
    if not counts:
        return None
    lang, count = max(counts.items(), key=lambda item: item[1])
    return lang if count * 2 >= len(letters) else None


def detect_language(text: str) -> str | None:
    """``"en"``, another language's code, or None when the language is not known."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return ENGLISH
    latin = sum(1 for ch in letters if ch < "\u0250")  # Basic Latin to Latin Extended-B
    if latin / len(letters) < LATIN_SHARE_MIN:
        return _script_language(letters)
    words = WORD_RE.findall(text.lower())
    hits = {lang: 0 for lang in FUNCTION_WORDS}
    for word in words:
        for lang, vocabulary in FUNCTION_WORDS.items():
            if word in vocabulary:
                hits[lang] += 1
    english = hits.pop(ENGLISH)
    best_hits = max(hits.values())
    if english > best_hits or best_hits == 0:
        return ENGLISH
    leaders = [lang for lang, count in hits.items() if count == best_hits]
    return leaders[0] if len(leaders) == 1 and best_hits > english else None
