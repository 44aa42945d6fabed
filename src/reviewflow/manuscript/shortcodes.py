"""Quarto's shortcodes done without Quarto: ``var`` and ``include`` expanded, ``pagebreak`` turned into Typst,
any other refused."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.manuscript.markdown import line_at, normalise_newlines, replace_outside_code
from reviewflow.manuscript.variables import flatten_names, format_value, lookup

# Quarto's shortcode syntax; a doubled outer brace (``{{{< var x >}}}``) escapes a literal shortcode.
_SHORTCODE = re.compile(
    r"(?P<open>\{?)\{\{<\s*(?P<name>[A-Za-z][\w-]*)(?P<args>.*?)>\}\}(?P<close>\}?)", re.S
)


def _strip_quotes(arg: str) -> str:
    arg = arg.strip()
    if len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in "\"'":
        return arg[1:-1]
    return arg


VarWrapper = Callable[[str, str], str]
"""(variable name, printed value) -> text put in its place; the HTML manuscript wraps each value in a link."""


def expand_shortcodes(text: str, variables: dict, base_dir: Path, source: Path,
                      wrap: VarWrapper | None = None) -> str:
    """Replace ``{{< var a.b >}}`` and ``{{< include path >}}`` the way Quarto does, failing loudly.

    Include paths are relative to ``base_dir`` (inside an included file: relative to that file's folder);
    included text is expanded in turn. Other shortcodes are left for the renderer; ``{{{< x >}}}`` (Quarto's
    escape) becomes ``{{< x >}}``. ``wrap``, when given, turns each var's printed value into the text inserted.
    """
    source = Path(source)
    return _expand(normalise_newlines(text), variables, Path(base_dir), source, [_resolved(source)], wrap)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _expand(text: str, variables: dict, base_dir: Path, source: Path, stack: list[Path],
            wrap: VarWrapper | None = None) -> str:
    def replace(m: re.Match[str]) -> str:
        name, args = m.group("name"), m.group("args").strip()
        escaped = m.group("open") == "{" and m.group("close") == "}"
        literal = "{{< " + name + (" " + args if args else "") + " >}}"
        if escaped:
            return literal
        line = line_at(text, m.start())
        if name == "var":
            var = _strip_quotes(args)
            value = _var_value(var, variables, source, line)
            value = wrap(var, value) if wrap is not None else value
        elif name == "include":
            value = _include(_strip_quotes(args), variables, base_dir, source, line, stack, wrap)
        else:
            return m.group(0)
        return m.group("open") + value + m.group("close")

    return _SHORTCODE.sub(replace, text)


def _var_value(name: str, variables: dict, source: Path, line: int) -> str:
    if not name:
        raise InputError("{{< var >}} shortcode without a variable name", file=source, line=line)
    found, value = lookup(variables, name)
    if not found:
        close = difflib.get_close_matches(name, flatten_names(variables), n=3)
        raise InputError(f"unknown variable '{name}' in {{{{< var {name} >}}}}", file=source, line=line,
                         field=name, expected="a name in _variables.yml (generated from numbers.json)",
                         hint=f"did you mean {', '.join(close)}?" if close else None)
    text = format_value(value)
    if text is None:
        kind = "has no value" if value is None else "is a group of values, not a single value"
        raise InputError(f"variable '{name}' {kind}", file=source, line=line, field=name,
                         expected="a number or text")
    return text


def _include(arg: str, variables: dict, base_dir: Path, source: Path, line: int, stack: list[Path],
             wrap: VarWrapper | None = None) -> str:
    if not arg:
        raise InputError("{{< include >}} shortcode without a path", file=source, line=line)
    target = base_dir / arg
    resolved = _resolved(target)
    if resolved in stack:
        chain = " -> ".join(p.name for p in [*stack, resolved])
        raise InputError(f"include cycle: {chain}", file=source, line=line)
    try:
        content = target.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise InputError(f"included file '{arg}' not found", file=source, line=line,
                         expected=f"a file at {target}") from None
    content = normalise_newlines(content).rstrip("\n")
    return _expand(content, variables, target.parent, target, [*stack, resolved], wrap)


def other_shortcodes(body: str, index: Path) -> str:
    """``pagebreak`` becomes a raw Typst page break; any other shortcode cannot be honoured without Quarto."""

    def repl(m: re.Match[str]) -> str:
        if m.group("open") == "{" and m.group("close") == "}":
            return m.group(0)
        if m.group("name") == "pagebreak":
            return m.group("open") + "\n```{=typst}\n#pagebreak()\n```\n" + m.group("close")
        raise InputError(f"shortcode '{{{{< {m.group('name')} >}}}}' is not supported without Quarto",
                         file=index, expected="var, include or pagebreak",
                         hint="install Quarto or remove the shortcode")

    return replace_outside_code(body, _SHORTCODE, repl)
