"""A very small ``sh``: enough of busybox's shell to run the commands tutorials give pods.

``sleep 3600``, ``echo hello``, ``sh -c 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy;
sleep 600'`` (the liveness-probe example of the Kubernetes docs), ``while true; do echo
$(date); sleep 5; done``, ``for i in 1 2 3``, ``if [ -f x ]``, ``exit 3``, ``env``. Nothing
really runs: interpreting a script produces a ``Program`` timeline (lines printed at
offsets, files written and removed, the exit). Loops are unrolled up to a budget; a loop
that outlives it simply keeps running silently. Anything else prints ``sh: x: not found``.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from datetime import datetime, timedelta

from .program import OUT, REMOVE, WRITE, Program, Step

MAX_STEPS = 2000
MAX_ITERATIONS = 5000
KEYWORDS = {"do", "done", "then", "else", "elif", "fi"}
SEPARATORS = {";", "&&", "||", "&", "|"}
_SINGLE_DOLLAR = "\x02"


class _Stop(Exception):
    pass


class Shell:
    def __init__(
        self,
        env: dict[str, str],
        start: datetime,
        hostname: str,
        flavor: str = "busybox",
        env_lines: Callable[[], list[str]] | None = None,
    ) -> None:
        self.env = dict(env)
        self.start = start
        self.hostname = hostname
        self.flavor = flavor
        self.env_lines = env_lines or (lambda: [f"{k}={v}" for k, v in self.env.items()])
        self.t = 0.0
        self.steps: list[Step] = []
        self.files: dict[str, str] = {}
        self.status = 0
        self.exit_code: int | None = None
        self.listens: list[int] = []
        self.iterations = 0

    # -- entry points ----------------------------------------------------------------------

    def run_script(self, script: str) -> Program:
        try:
            self._exec_list(_parse(_tokenize(script)))
            self.exit_code = self.status
        except _Stop:
            pass
        return self._program()

    def run_argv(self, argv: list[str]) -> Program:
        try:
            self._command(list(argv), expand=False)
            self.exit_code = self.status
        except _Stop:
            pass
        return self._program()

    def _program(self) -> Program:
        exit_at = None if self.exit_code is None else self.t
        return Program(self.steps, exit_at, self.exit_code or 0, listens=tuple(self.listens))

    # -- output --------------------------------------------------------------------------------

    def _out(self, text: str, redirect: tuple[str, str] | None = None) -> None:
        if redirect:
            mode, path = redirect
            old = self.files.get(path, "") if mode == ">>" else ""
            self.files[path] = old + text + "\n"
            self._step(WRITE, path, self.files[path])
            return
        for line in text.split("\n"):
            self._step(OUT, line)

    def _step(self, kind: str, value: str, content: str = "") -> None:
        if len(self.steps) >= MAX_STEPS:
            raise _Stop  # runs on without printing more
        self.steps.append(Step(self.t, kind, value, content))

    def _forever(self) -> None:
        self.exit_code = None
        raise _Stop

    # -- execution -------------------------------------------------------------------------

    def _exec_list(self, nodes: list) -> None:  # type: ignore[type-arg]
        skip = False
        for op, node in nodes:
            if (op == "&&" and self.status != 0) or (op == "||" and self.status == 0):
                skip = True
                continue
            if skip and op in ("&&", "||"):
                continue
            skip = False
            self._exec(node)

    def _exec(self, node: tuple) -> None:  # type: ignore[type-arg]
        kind = node[0]
        if kind == "cmd":
            self._command(node[1], redirect=node[2])
        elif kind == "while":
            while True:
                self._tick()
                self._exec_list(node[1])
                if (self.status == 0) != (node[3] == "while"):
                    break
                self._exec_list(node[2])
            self.status = 0
        elif kind == "for":
            for word in node[2]:
                self._tick()
                self.env[node[1]] = self._expand(word)
                self._exec_list(node[3])
        elif kind == "if":
            for cond, body in node[1]:
                if cond is None:
                    self._exec_list(body)
                    return
                self._exec_list(cond)
                if self.status == 0:
                    self._exec_list(body)
                    return
            self.status = 0

    def _tick(self) -> None:
        self.iterations += 1
        if self.iterations > MAX_ITERATIONS:
            self._forever()

    def _expand(self, word: str) -> str:
        out, i = [], 0
        while i < len(word):
            ch = word[i]
            if ch != "$":
                out.append(ch)
                i += 1
                continue
            rest = word[i + 1 :]
            if rest.startswith("(") and ")" in rest:
                inner = rest[1 : rest.index(")")].strip()
                out.append(self._substitute(inner))
                i += rest.index(")") + 2
            elif rest.startswith("{") and "}" in rest:
                name = rest[1 : rest.index("}")]
                out.append(self.env.get(name.split(":-")[0], name.split(":-")[1] if ":-" in name else ""))
                i += rest.index("}") + 2
            elif rest[:1] == "?":
                out.append(str(self.status))
                i += 2
            else:
                n = 0
                while n < len(rest) and (rest[n].isalnum() or rest[n] == "_"):
                    n += 1
                out.append(self.env.get(rest[:n], "") if n else "$")
                i += n + 1
        return "".join(out).replace(_SINGLE_DOLLAR, "$")

    def _substitute(self, inner: str) -> str:
        if inner.startswith("date"):
            return self._date()
        if inner == "hostname":
            return self.hostname
        if inner == "whoami":
            return "root"
        return ""

    def _date(self) -> str:
        moment = self.start + timedelta(seconds=self.t)
        return f"{moment:%a %b} {moment.day:2d} {moment:%H:%M:%S} UTC {moment:%Y}"

    def _not_found(self, name: str) -> None:
        if self.flavor == "gnu":
            self._out(f"bash: line 1: {name}: command not found")
        else:
            self._out(f"sh: {name}: not found")
        self.status = 127

    def _cat_missing(self, path: str) -> str:
        if self.flavor == "gnu":
            return f"cat: {path}: No such file or directory"
        return f"cat: can't open '{path}': No such file or directory"

    def _command(self, words: list[str], redirect: tuple[str, str] | None = None, expand: bool = True) -> None:
        argv = [self._expand(w) for w in words] if expand else list(words)
        if redirect and expand:
            redirect = (redirect[0], self._expand(redirect[1]))
        if not argv:
            return
        name, args = argv[0].rsplit("/", 1)[-1], argv[1:]
        self.status = 0
        if "=" in name and not args and name.split("=", 1)[0].isidentifier():
            key, value = name.split("=", 1)
            self.env[key] = value
        elif name == "echo":
            while args and args[0] in ("-n", "-e", "-ne", "-en"):
                args = args[1:]
            self._out(" ".join(args), redirect)
        elif name == "printf":
            text = args[0] if args else ""
            for arg in args[1:]:
                text = text.replace("%s", arg, 1).replace("%d", arg, 1)
            text = text.replace("\\n", "\n").rstrip("\n")
            self._out(text, redirect)
        elif name == "sleep":
            self._sleep(args[0] if args else "0")
        elif name == "exit":
            self.exit_code = int(args[0]) if args and args[0].lstrip("-").isdigit() else self.status
            raise _Stop
        elif name in ("true", ":"):
            pass
        elif name == "false":
            self.status = 1
        elif name in ("touch", "mkdir"):
            for path in (a for a in args if not a.startswith("-")):
                self.files.setdefault(path, "")
                self._step(WRITE, path, self.files[path])
        elif name == "rm":
            for path in (a for a in args if not a.startswith("-")):
                if self.files.pop(path, None) is None and "-f" not in args and "-rf" not in args:
                    self._out(f"rm: can't remove '{path}': No such file or directory")
                    self.status = 1
                self._step(REMOVE, path)
        elif name == "cat":
            for path in args:
                if path in self.files:
                    self._out(self.files[path].rstrip("\n"), redirect)
                else:
                    self._out(self._cat_missing(path))
                    self.status = 1
        elif name in ("test", "["):
            self.status = 0 if self._test([a for a in args if a != "]"]) else 1
        elif name in ("env", "printenv"):
            if name == "printenv" and args:
                value = self.env.get(args[0])
                self.status = 0 if value is not None else 1
                if value is not None:
                    self._out(value, redirect)
            else:
                self._out("\n".join(self.env_lines()), redirect)
        elif name == "hostname":
            self._out(self.hostname, redirect)
        elif name == "date":
            self._out(self._date(), redirect)
        elif name == "whoami":
            self._out("root", redirect)
        elif name == "tail" and "-f" in args:
            self._forever()
        elif name in ("httpd", "nc", "python", "python3"):
            port = next((a for a in args if a.isdigit()), "80")
            self.listens.append(int(port))
            self._forever()
        elif name in ("wget", "curl", "ls", "chmod", "cd", "export", "set", "trap", "wait", "ping", "nslookup"):
            pass
        elif name in ("sh", "bash", "ash") and len(args) >= 2 and args[0] == "-c":
            self._exec_list(_parse(_tokenize(args[1])))
        else:
            self._not_found(argv[0])

    def _sleep(self, text: str) -> None:
        if text in ("infinity", "inf"):
            self._forever()
        scale = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(text[-1:], 1)
        try:
            seconds = float(text.rstrip("smhd") or 0) * scale
        except ValueError:
            self._out(f"sleep: invalid number '{text}'")
            self.status = 1
            return
        self.t += max(0.0, seconds)

    def _test(self, args: list[str]) -> bool:
        if args[:1] == ["!"]:
            return not self._test(args[1:])
        if len(args) == 2 and args[0] in ("-f", "-e", "-d", "-r", "-s"):
            return args[1] in self.files
        if len(args) == 2 and args[0] in ("-z", "-n"):
            return (args[1] == "") == (args[0] == "-z")
        if len(args) == 3:
            a, op, b = args
            if op in ("=", "=="):
                return a == b
            if op == "!=":
                return a != b
            try:
                x, y = int(a), int(b)
            except ValueError:
                return False
            return {"-eq": x == y, "-ne": x != y, "-lt": x < y, "-le": x <= y, "-gt": x > y, "-ge": x >= y}.get(
                op, False
            )
        return len(args) == 1 and args[0] != ""


# -- parsing ---------------------------------------------------------------------------------


def _tokenize(script: str) -> list[str]:
    # Keep $ inside single quotes literal, and newlines as command separators.
    out, quote = [], ""
    for ch in script:
        if ch in "'\"" and (not quote or quote == ch):
            quote = "" if quote else ch
        if ch == "$" and quote == "'":
            ch = _SINGLE_DOLLAR
        elif ch == "\n" and not quote:
            ch = ";"
        out.append(ch)
    lexer = shlex.shlex("".join(out), posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:
        return script.split()


def _parse(tokens: list[str]) -> list:  # type: ignore[type-arg]
    nodes, _ = _parse_list(tokens, 0, set())
    return nodes


def _parse_list(tokens: list[str], i: int, stop: set[str]) -> tuple[list, int]:  # type: ignore[type-arg]
    nodes: list = []  # type: ignore[type-arg]
    op = ";"
    while i < len(tokens):
        tok = tokens[i]
        if tok in stop:
            return nodes, i
        if tok in SEPARATORS:
            op = tok if tok in ("&&", "||") else ";"
            i += 1
            continue
        node, i = _parse_command(tokens, i)
        nodes.append((op, node))
        op = ";"
    return nodes, i


def _parse_command(tokens: list[str], i: int) -> tuple[tuple, int]:  # type: ignore[type-arg]
    tok = tokens[i]
    if tok in ("while", "until"):
        cond, i = _parse_list(tokens, i + 1, {"do"})
        body, i = _parse_list(tokens, i + 1, {"done"})
        return ("while", cond, body, tok), i + 1
    if tok == "for" and i + 2 < len(tokens):
        var, words, i = tokens[i + 1], [], i + 2
        if i < len(tokens) and tokens[i] == "in":
            i += 1
            while i < len(tokens) and tokens[i] not in (";", "do"):
                words.append(tokens[i])
                i += 1
        while i < len(tokens) and tokens[i] != "do":
            i += 1
        body, i = _parse_list(tokens, i + 1, {"done"})
        return ("for", var, words, body), i + 1
    if tok == "if":
        branches = []
        while True:
            cond, i = _parse_list(tokens, i + 1, {"then"})
            body, i = _parse_list(tokens, i + 1, {"elif", "else", "fi"})
            branches.append((cond, body))
            if i >= len(tokens) or tokens[i] == "fi":
                break
            if tokens[i] == "else":
                body, i = _parse_list(tokens, i + 1, {"fi"})
                branches.append((None, body))
                break
        return ("if", branches), i + 1
    words: list[str] = []
    redirect = None
    while i < len(tokens) and tokens[i] not in SEPARATORS and tokens[i] not in KEYWORDS:
        if tokens[i] in (">", ">>") and i + 1 < len(tokens):
            redirect = (tokens[i], tokens[i + 1])
            i += 2
            continue
        if tokens[i] in ("<", ">&", "2>", "&>"):
            i += 2
            continue
        words.append(tokens[i])
        i += 1
    return ("cmd", words, redirect), i
