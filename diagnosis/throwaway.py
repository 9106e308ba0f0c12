"""Signs that an unauthenticated From domain is the sender's own throwaway, not a spoofed victim.

A spoof needs a victim: someone else's domain the sender borrowed to be believed. Where the
From domain publishes no DMARC and nothing of it was checked, the receiver's verdicts cannot
tell its owner's mail from a forgery, and the lines that used to make it "a spoof" (the
envelope sender is another domain, the envelope is empty) are just what a sender that
registers disposable domains by the dozen writes for its own. A name no person or business
would choose (letters and digits at random, long runs of consonants) is a sign that the From
domain is such a disposable one; the whole set-up (address, envelope, HELO) being made of such
names is another. Both are signs read from the sender's own text: they only soften "a spoof
of X" into "cannot be told from a spoof of X", never make anything pass.
"""

from __future__ import annotations

import re

from headerlens.diagnosis.inputs import entry, envelope, org
from headerlens.model import Analysis

_VOWELS = frozenset("aeiouy")
# Consonant digraphs and trigraphs of European spelling, counted as one sound ("Deutschland").
_DIGRAPHS = re.compile(r"sch|tsch|ch|ck|gh|ph|sh|th|ng")
_TRANSITION = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")


def _consonant_run(word: str) -> int:
    longest = run = 0
    for c in _DIGRAPHS.sub("C", word):
        run = 0 if c in _VOWELS else run + 1
        longest = max(longest, run)
    return longest


def machine_made(label: str) -> str | None:
    """Why a domain label looks generated rather than chosen (None when it looks like words):
    letters and digits mixed three times or more ("gv53w8x00"), or six consonants in a row."""
    text = label.lower()
    if len(_TRANSITION.findall(text)) >= 3:
        return "letters and digits mixed at random"
    for part in re.findall(r"[a-z]+", text):
        if _consonant_run(part) >= 6:
            return "a run of consonants no word has"
    return None


def _odd(word: str) -> bool:
    """A weaker sign, read only together with others: a word of five letters or more with at
    most one vowel (a, e, i, o, u), or a machine-made one."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    if machine_made(word.lower()):
        return True
    return len(letters) >= 5 and sum(c in "aeiou" for c in letters) <= 1


def _label(domain: str | None) -> str:
    """The registrable label (``nuhstrfpolviin`` of bounce.nuhstrfpolviin.co.uk): a sending
    service's bounce subdomains are ids by design and say nothing."""
    o = org(domain) or domain or ""
    return o.split(".", 1)[0]


def _named(host: str | None) -> bool:
    """A host name with a domain, not an address literal or a bare word."""
    return bool(host) and "." in (host or "") and not re.search(r"[\[\]:]|^[\d.]+$", host or "")


def disposable(analysis: Analysis, dom: str) -> str | None:
    """Evidence that the From domain ``dom`` is most likely the sender's own disposable domain:
    its own name looks machine-made, or three or more of the names the sender chose (the From
    address's local part and domain, the envelope sender's, the HELO's domain) look random, the
    From address's own local part among them."""
    own = machine_made(_label(dom))
    if own is not None:
        return f"the name {_label(dom)} looks machine-made: {own}"
    author = analysis.from_addr
    local = (author.address or "").rpartition("@")[0] if author else ""
    env = envelope(analysis) or ""
    env_local, _, env_dom = env.rpartition("@")
    b = entry(analysis)
    names = [
        ("the From address's local part", local),
        ("the From domain", _label(dom)),
        ("the envelope sender's local part", env_local),
        ("the envelope domain", _label(env_dom) if env_dom and org(env_dom) != org(dom) else ""),
        ("the HELO domain", _label(b.helo) if b is not None and _named(b.helo) else ""),
    ]
    odd = [f"{what} {word}" for what, word in names if word and _odd(word)]
    # a spoof dresses up as its victim: an address at the From domain that reads like one
    # ("service@") is no sign of a throwaway, whatever the envelope and the HELO say
    if len(odd) < 3 or not (local and _odd(local)):
        return None
    return f"the names the sender chose look random: {', '.join(odd)}"
