"""LaTeX in BibTeX values decoded to plain Unicode text (accents, symbols, Greek letters, grouping braces),
and the lighter unescaping that identifiers such as DOIs and URLs get."""

from __future__ import annotations

import re
import unicodedata

_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
    "b": "\u0331", "t": "\u0361",
}
# letters that LaTeX writes as control words; they sit inside words, so the space ending them is swallowed
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
}
_SYMBOLS = {
    "textless": "<", "textgreater": ">", "textbar": "|", "textasciitilde": "~", "textasciicircum": "^",
    "textbackslash": "\\", "textquotesingle": "'", "textendash": "\u2013", "textemdash": "\u2014",
    "textquoteleft": "\u2018", "textquoteright": "\u2019", "textquotedblleft": "\u201c",
    "textquotedblright": "\u201d", "ldots": "\u2026", "dots": "\u2026", "textellipsis": "\u2026",
    "textregistered": "\u00ae", "texttrademark": "\u2122", "textcopyright": "\u00a9", "textdegree": "\u00b0",
    "degree": "\u00b0", "textmu": "\u00b5", "textperiodcentered": "\u00b7", "cdot": "\u00b7", "textbullet": "\u2022",
    "textordfeminine": "\u00aa", "textordmasculine": "\u00ba", "textsection": "\u00a7", "S": "\u00a7",
    "P": "\u00b6", "dag": "\u2020", "ddag": "\u2021", "euro": "\u20ac", "texteuro": "\u20ac", "pounds": "\u00a3",
    "textsterling": "\u00a3", "pm": "\u00b1", "textpm": "\u00b1", "mp": "\u2213", "times": "\u00d7",
    "texttimes": "\u00d7", "div": "\u00f7", "leq": "\u2264", "le": "\u2264", "geq": "\u2265", "ge": "\u2265",
    "neq": "\u2260", "ne": "\u2260", "approx": "\u2248", "sim": "\u223c", "infty": "\u221e", "to": "\u2192",
    "rightarrow": "\u2192", "leftarrow": "\u2190", "uparrow": "\u2191", "downarrow": "\u2193",
    "textunderscore": "_", "textbraceleft": "{", "textbraceright": "}", "textdollar": "$", "textpercent": "%",
    "textampersand": "&", "textexclamdown": "\u00a1", "textquestiondown": "\u00bf", "guillemotleft": "\u00ab",
    "guillemotright": "\u00bb", "textemdashspace": "\u2014", "quad": " ", "qquad": " ", "par": " ",
    "newline": " ", "space": " ", "nobreakspace": " ", "textvisiblespace": " ", "prime": "\u2032",
    "circ": "\u00b0", "permil": "\u2030", "textperthousand": "\u2030",
}
_GREEK = {
    name: chr(code)
    for name, code in (
        ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3B5),
        ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("vartheta", 0x3D1),
        ("iota", 0x3B9), ("kappa", 0x3BA), ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE),
        ("pi", 0x3C0), ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("upsilon", 0x3C5), ("phi", 0x3C6),
        ("varphi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9), ("Gamma", 0x393), ("Delta", 0x394),
        ("Theta", 0x398), ("Lambda", 0x39B), ("Xi", 0x39E), ("Pi", 0x3A0), ("Sigma", 0x3A3), ("Upsilon", 0x3A5),
        ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9),
    )
}
_DOTLESS = {"\\i": "i", "\\j": "j"}
_LBRACE, _RBRACE, _DOLLAR = "\ue000", "\ue001", "\ue002"
_LATEX = re.compile(
    r"\\\\"  # forced line break
    r"|\\([\"'`^~=.])\s*(?:\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])?\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))"  # \"u {\"u}
    r"|\\([uvHckrdbt])(?:\s*\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])?\s*\}|\s+([A-Za-z]))"  # \v{c}, \c c
    r"|\\([A-Za-z]+)(\s*\{\})?(\s*)"  # control word: \ss, \textless{}, \emph
    r"|\\(.)",  # control symbol: \& \% \_ \{ \$ \- ...
    re.S,
)


def _latex_token(match: re.Match[str]) -> str:
    whole = match.group(0)
    if whole == "\\\\":
        return " "
    accent = match.group(1) or match.group(4)
    if accent:
        base = match.group(2) or match.group(3) or match.group(5) or match.group(6) or ""
        base = _DOTLESS.get(base, base)
        return unicodedata.normalize("NFC", base + _ACCENTS[accent]) if base else ""
    word = match.group(7)
    if word:
        had_braces, space = bool(match.group(8)), match.group(9)
        if word in _LETTERS:
            return _LETTERS[word] + (space if had_braces else "")
        return _SYMBOLS.get(word, _GREEK.get(word, "")) + space
    char = match.group(10)
    return {"{": _LBRACE, "}": _RBRACE, "$": _DOLLAR, "-": "", "/": "", " ": " ", "\n": " ", ",": " ", ";": " ",
            ":": " ", "!": "", "@": ""}.get(char, char)


def latex_to_text(value: str) -> str:
    """Plain Unicode text of a BibTeX value: accents and symbols decoded, grouping braces and math ``$`` removed."""
    text = _LATEX.sub(_latex_token, value)
    text = text.replace("{", "").replace("}", "").replace("$", "").replace("~", " ")
    text = text.replace("---", "\u2014").replace("--", "\u2013").replace("``", "\u201c").replace("''", "\u201d")
    text = text.replace(_LBRACE, "{").replace(_RBRACE, "}").replace(_DOLLAR, "$")
    return " ".join(text.split())


def verbatim(value: str) -> str:
    """A DOI, URL or page range: braces removed and ``\\_``-style escapes undone, nothing else touched."""
    text = re.sub(r"\\([&%$#_{}~])", lambda m: {"{": _LBRACE, "}": _RBRACE}.get(m.group(1), m.group(1)), value)
    text = text.replace("{", "").replace("}", "").replace(_LBRACE, "{").replace(_RBRACE, "}")
    return " ".join(text.split())
