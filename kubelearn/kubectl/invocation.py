"""One kubectl invocation: the cluster, the default namespace, stdin, and the result.

Mirrors what kubectl's ``cmdutil.Factory`` hands each command (a client, the namespace from
the kubeconfig or ``-n``, the streams) and how ``cmdutil.CheckErr`` ends a failed command:
``error: …`` on stderr and exit code 1. Commands raise ``KubectlError`` with kubectl's own
wording; ``run`` turns it into a ``CommandResult`` so nothing ever escapes to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubelearn.cluster.errors import StatusError

if TYPE_CHECKING:
    from kubelearn.cluster.cluster import Cluster


@dataclass(frozen=True, slots=True)
class CommandResult:
    exit_code: int
    stdout: str
    stderr: str


class KubectlError(Exception):
    """A failure worded as kubectl prints it (the full stderr text, without trailing newline)."""

    def __init__(self, text: str, exit_code: int = 1) -> None:
        super().__init__(text)
        self.text = text
        self.exit_code = exit_code


def server_error(exc: StatusError) -> KubectlError:
    """``Error from server (NotFound): deployments.apps "web" not found``."""
    return KubectlError(f"Error from server ({exc.reason}): {exc.message}")


@dataclass(slots=True)
class Invocation:
    cluster: Cluster
    namespace: str
    stdin: str = ""
    namespace_given: bool = False
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)

    @property
    def api(self) -> Any:
        return self.cluster.api

    @property
    def ctx(self) -> Any:
        return self.cluster.ctx

    def print(self, text: str) -> None:
        """A line (or block) on stdout; a newline is added as Go's Fprintln would."""
        self.out.append(text if text.endswith("\n") else text + "\n")

    def write(self, text: str) -> None:
        """Raw text on stdout (jsonpath output has no trailing newline)."""
        self.out.append(text)

    def warn(self, text: str) -> None:
        self.err.append(text if text.endswith("\n") else text + "\n")

    def settle(self) -> None:
        """Let the controllers react to a write without moving simulated time."""
        self.cluster.engine.drain()

    def result(self, exit_code: int = 0) -> CommandResult:
        return CommandResult(exit_code, "".join(self.out), "".join(self.err))
