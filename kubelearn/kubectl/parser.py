"""Turning a typed command line into a verb, arguments and flags, as kubectl's cobra/pflag do.

Mirrors pflag's parsing (``--flag=value``, ``--flag value``, ``-n value``, ``-nvalue``,
grouped short booleans, ``--`` ends flags, flags anywhere among the arguments) and its error
wording (``unknown flag: --foo``, ``unknown shorthand flag: 'x' in -x``, ``flag needs an
argument``), plus cobra's "Did you mean this?" suggestions (Levenshtein distance <= 2 or a
prefix match). Shell syntax (pipes, redirections, ``;``, ``&&``, ``$(…)``) is refused with a
friendly message because there is no shell here: one kubectl command per line.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .invocation import KubectlError

# Every top-level command of kubectl 1.32, for suggestions ("Did you mean this?").
ALL_COMMANDS = (
    "annotate", "api-resources", "api-versions", "apply", "attach", "auth", "autoscale", "certificate",
    "cluster-info", "completion", "config", "cordon", "cp", "create", "debug", "delete", "describe", "diff",
    "drain", "edit", "events", "exec", "explain", "expose", "get", "help", "kustomize", "label", "logs",
    "options", "patch", "plugin", "port-forward", "proxy", "replace", "rollout", "run", "scale", "set",
    "taint", "top", "uncordon", "version", "wait",
)  # fmt: skip
_SHELL_OPERATORS = set("|&;<>()")


class ShellSyntaxError(KubectlError):
    pass


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    short: str = ""
    kind: str = "bool"  # bool | str | int | list
    default: Any = None


@dataclass(slots=True)
class Parsed:
    args: list[str] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)

    def get(self, name: str, default: Any = None) -> Any:
        value = self.flags.get(name)
        return default if value is None else value


GLOBAL_FLAGS = (Flag("namespace", "n", "str"), Flag("help", "h"))


def tokenize(line: str) -> list[str]:
    """Split like a POSIX shell, refusing anything that needs a real shell."""
    if "$(" in line or "`" in line:
        raise ShellSyntaxError(_shell_message("$(…)" if "$(" in line else "`…`"))
    try:
        lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;<>()")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError as exc:
        raise KubectlError(f"error: could not parse the command line: {exc}") from exc
    for token in tokens:
        if token and set(token) <= _SHELL_OPERATORS:
            raise ShellSyntaxError(_shell_message(token))
    return tokens


def _shell_message(op: str) -> str:
    return (
        f"error: shell syntax ({op}) is not supported here: this command bar runs one kubectl command at a time, "
        "without a shell (no pipes, redirections, command chaining or substitution)"
    )


def parse_flags(tokens: Iterable[str], flags: Iterable[Flag], command_path: str) -> Parsed:
    """pflag's interspersed parsing; errors carry kubectl's ``See '… --help' for usage.`` line."""
    by_name = {f.name: f for f in (*GLOBAL_FLAGS, *flags)}
    by_short = {f.short: f for f in by_name.values() if f.short}
    parsed = Parsed(flags={f.name: ([] if f.kind == "list" else f.default) for f in by_name.values()})
    items = list(tokens)
    i = 0

    def fail(message: str) -> KubectlError:
        return KubectlError(f"error: {message}\nSee '{command_path} --help' for usage.")

    while i < len(items):
        token = items[i]
        i += 1
        if token == "--":
            parsed.args.extend(items[i:])
            break
        if token.startswith("--") and len(token) > 2:
            name, eq, value = token[2:].partition("=")
            flag = by_name.get(name)
            if flag is None:
                raise fail(f"unknown flag: --{name}")
            if not eq and flag.kind != "bool":
                if i >= len(items):
                    raise fail(f"flag needs an argument: --{name}")
                value, i = items[i], i + 1
            _store(parsed, flag, value if (eq or flag.kind != "bool") else None, f"--{name}", fail)
        elif token.startswith("-") and len(token) > 1 and token != "-":
            shorts = token[1:]
            j = 0
            while j < len(shorts):
                letter = shorts[j]
                flag = by_short.get(letter)
                if flag is None:
                    raise fail(f"unknown shorthand flag: {letter!r} in {token}")
                rest = shorts[j + 1 :]
                if flag.kind == "bool":
                    if rest.startswith("="):
                        _store(parsed, flag, rest[1:], f"-{letter}", fail)
                        break
                    _store(parsed, flag, None, f"-{letter}", fail)
                    j += 1
                    continue
                if rest:
                    value = rest[1:] if rest.startswith("=") else rest
                elif i < len(items):
                    value, i = items[i], i + 1
                else:
                    raise fail(f"flag needs an argument: {letter!r} in -{letter}")
                _store(parsed, flag, value, f"-{letter}", fail)
                break
        else:
            parsed.args.append(token)
    return parsed


def _store(parsed: Parsed, flag: Flag, value: str | None, spelled: str, fail: Any) -> None:
    parsed.given.add(flag.name)
    if flag.kind == "bool":
        if value is None or value.lower() in ("true", "1", "t"):
            parsed.flags[flag.name] = True
        elif value.lower() in ("false", "0", "f"):
            parsed.flags[flag.name] = False
        else:
            raise fail(f'invalid argument "{value}" for "{spelled}" flag: strconv.ParseBool: parsing "{value}": '
                       "invalid syntax")  # fmt: skip
    elif flag.kind == "int":
        try:
            parsed.flags[flag.name] = int(value or "")
        except ValueError:
            raise fail(
                f'invalid argument "{value}" for "{spelled}" flag: strconv.ParseInt: parsing "{value}": invalid syntax'
            ) from None
    elif flag.kind == "list":
        parsed.flags[flag.name].append(value or "")
    else:
        parsed.flags[flag.name] = value


def levenshtein(a: str, b: str) -> int:
    a, b = a.lower(), b.lower()
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def suggestions(typed: str, candidates: Iterable[str] = ALL_COMMANDS) -> list[str]:
    """cobra's ``SuggestionsFor``: distance <= 2, or the typed text is a prefix."""
    return [c for c in candidates if levenshtein(typed, c) <= 2 or c.lower().startswith(typed.lower())]


def unknown_command(typed: str) -> KubectlError:
    text = f'error: unknown command "{typed}" for "kubectl"'
    found = suggestions(typed)
    if found:
        text += "\n\nDid you mean this?\n" + "".join(f"\t{s}\n" for s in found)
        text = text.rstrip("\n")
    return KubectlError(text)


def unknown_subcommand(args: list[str], command_path: str) -> KubectlError:
    return KubectlError(f"error: unknown command \"{' '.join(args)}\"\nSee '{command_path} -h' for help and examples")
