"""The built-in image catalogue: what each image the mini cluster knows does when it runs.

A real node pulls images from a registry; ours knows a handful by heart — the ones the
lessons use — and fails to pull anything else with containerd's real error, so a typo
(``ngnix``) gives ``ErrImagePull`` as in a real cluster. References are normalised like
docker (``nginx`` -> ``docker.io/library/nginx:latest``); any tag of a known repository
exists. Each image says how it behaves: serve HTTP forever (nginx, httpd, the demo web
app), run the container's command in a tiny shell (busybox, alpine, ubuntu), crash, eat
memory until OOM-killed, or insist on ``POSTGRES_PASSWORD``. Each also carries the CPU and
memory the metrics pipeline reports (baseline plus a cost per request per second), which
is what the HorizontalPodAutoscaler lesson scales on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from .program import ERROR, OOM_KILLED, OUT, START_ERROR, Program, Step
from .shell import Shell

MI = 1024 * 1024
DEFAULT_DOMAIN = "docker.io"
SERVER, SHELL, CRASHY, MEMHOG, POSTGRES, WEB = "server", "shell", "crashy", "memhog", "postgres", "web"
SHELLS = {"sh", "bash", "ash"}


@dataclass(frozen=True, slots=True)
class ImageSpec:
    repository: str  # docker.io/library/nginx
    behaviour: str  # SERVER | SHELL | CRASHY | MEMHOG | POSTGRES | WEB
    size: int  # bytes, as the Pulled event reports
    ports: tuple[int, ...] = ()
    http_paths: tuple[str, ...] | None = ()  # () = no HTTP; None = every path 200
    files: tuple[str, ...] = ()
    shell: str = "busybox"  # "busybox" | "gnu" | "" (no shell in the image)
    cpu_m: int = 1  # baseline CPU, millicores
    memory_bytes: int = 4 * MI  # baseline memory
    cpu_m_per_rps: float = 0.0  # extra millicores per request/second
    memory_per_rps: int = 0
    stopped_code: int = 137  # exit code when stopped (0 = handles SIGTERM cleanly)
    access_log: str = ""  # "combined" | "common" | "web"
    body_bytes: int = 0


CATALOGUE: dict[str, ImageSpec] = {
    spec.repository: spec
    for spec in (
        ImageSpec(
            "docker.io/library/nginx",
            SERVER,
            72099410,
            (80,),
            ("/", "/index.html"),
            ("/usr/share/nginx/html/index.html", "/etc/nginx/nginx.conf", "/etc/nginx/conf.d/default.conf"),
            "gnu",
            1,
            3 * MI,
            0.4,
            2048,
            0,
            "combined",
            615,
        ),
        ImageSpec(
            "docker.io/library/httpd",
            SERVER,
            58126513,
            (80,),
            ("/", "/index.html"),
            ("/usr/local/apache2/htdocs/index.html", "/usr/local/apache2/conf/httpd.conf"),
            "gnu",
            1,
            8 * MI,
            0.5,
            4096,
            0,
            "common",
            45,
        ),
        ImageSpec("docker.io/library/busybox", SHELL, 2160406, shell="busybox", cpu_m=0, memory_bytes=256 * 1024),
        ImageSpec("docker.io/library/alpine", SHELL, 3653068, shell="busybox", cpu_m=0, memory_bytes=512 * 1024),
        ImageSpec("docker.io/library/ubuntu", SHELL, 29754422, shell="gnu", cpu_m=0, memory_bytes=MI),
        ImageSpec(
            "docker.io/library/redis",
            SERVER,
            45002125,
            (6379,),
            (),
            ("/usr/local/bin/redis-server",),
            "gnu",
            2,
            3 * MI,
            0.1,
            1024,
            0,
        ),
        ImageSpec(
            "docker.io/library/postgres",
            POSTGRES,
            158357654,
            (5432,),
            (),
            ("/usr/local/bin/postgres",),
            "gnu",
            3,
            25 * MI,
            0.8,
            8192,
            0,
        ),
        ImageSpec(
            "docker.io/kubelearn/web",
            WEB,
            6458421,
            (8080,),
            ("/", "/healthz", "/ready", "/version"),
            (),
            "",
            5,
            12 * MI,
            2.0,
            20 * 1024,
            0,
            "web",
            64,
        ),
        ImageSpec("docker.io/kubelearn/crashy", CRASHY, 2200981, shell="busybox", cpu_m=1, memory_bytes=MI),
        ImageSpec("docker.io/kubelearn/memhog", MEMHOG, 2301377, shell="busybox", cpu_m=50, memory_bytes=64 * MI),
    )
}


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference (``distribution/reference`` normalised name).

    ``full`` and ``image_id`` are worked out once: the kubelet reports them in every
    containerStatus it writes. Instances are shared (``parse_reference`` is memoised).
    """

    text: str  # as written in the pod spec
    repository: str  # docker.io/library/nginx
    tag: str
    digest: str = ""
    # ``docker.io/library/nginx:1.27`` (what containerStatuses[].image shows once running).
    full: str = field(init=False, repr=False, compare=False)
    # ``docker.io/library/nginx@sha256:…``, a digest that is stable for the same reference.
    image_id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        full = f"{self.repository}@{self.digest}" if self.digest and not self.tag else f"{self.repository}:{self.tag}"
        digest = self.digest or "sha256:" + hashlib.sha256(full.encode()).hexdigest()
        object.__setattr__(self, "full", full)
        object.__setattr__(self, "image_id", f"{self.repository}@{digest}")

    @property
    def spec(self) -> ImageSpec | None:
        return CATALOGUE.get(self.repository)

    @property
    def always_pull(self) -> bool:
        return self.tag == "latest" and not self.digest


@lru_cache(maxsize=1024)
def parse_reference(text: str) -> ImageRef:
    """``docker.io/library/nginx:latest`` for ``nginx``, as docker and containerd normalise it."""
    name, digest = ([*text.split("@", 1), ""])[:2]
    tag = ""
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    first = name.split("/", 1)[0]
    if "/" not in name or not ("." in first or ":" in first or first == "localhost"):
        name = f"{DEFAULT_DOMAIN}/{name}" if "/" in name else f"{DEFAULT_DOMAIN}/library/{name}"
    if not tag and not digest:
        tag = "latest"
    return ImageRef(text, name.lower(), tag, digest)


def pull_error(ref: ImageRef) -> str:
    """containerd's message for an image that cannot be pulled (the repository does not exist)."""
    full = ref.full
    if ref.repository.startswith(DEFAULT_DOMAIN + "/"):
        return (
            f'rpc error: code = Unknown desc = failed to pull and unpack image "{full}": failed to resolve reference '
            f'"{full}": pull access denied, repository does not exist or may require authorization: server message: '
            "insufficient_scope: authorization failed"
        )
    return (
        f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": failed to resolve reference '
        f'"{full}": {full}: not found'
    )


# -- programs --------------------------------------------------------------------------------


def _clock(start: datetime, offset: float = 0.0) -> datetime:
    return start + timedelta(seconds=offset)


def _nginx_start(start: datetime, version: str) -> list[str]:
    stamp = f"{start:%Y/%m/%d %H:%M:%S}"
    entry = "/docker-entrypoint.sh"
    return [
        f"{entry}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        f"{entry}: Looking for shell scripts in /docker-entrypoint.d/",
        f"{entry}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
        "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        f"{entry}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
        f"{entry}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        f"{entry}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
        f"{entry}: Configuration complete; ready for start up",
        f'{stamp} [notice] 1#1: using the "epoll" event method',
        f"{stamp} [notice] 1#1: nginx/{version}",
        f"{stamp} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14)",
        f"{stamp} [notice] 1#1: OS: Linux 6.1.0-kubelearn",
        f"{stamp} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
        f"{stamp} [notice] 1#1: start worker processes",
        f"{stamp} [notice] 1#1: start worker process 29",
    ]


def _server_lines(spec: ImageSpec, ref: ImageRef, start: datetime, hostname: str) -> list[str]:
    repo = spec.repository.rsplit("/", 1)[-1]
    if repo == "nginx":
        version = ref.tag if ref.tag.count(".") == 2 else {"1.27": "1.27.3", "1.26": "1.26.2"}.get(ref.tag, "1.27.3")
        return _nginx_start(start, version)
    if repo == "httpd":
        stamp = f"{start:%a %b %d %H:%M:%S}.000000 {start:%Y}"
        return [
            "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, "
            f"using {hostname}. Set the 'ServerName' directive globally to suppress this message",
            f"[{stamp}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations",
            f"[{stamp}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'",
        ]
    if repo == "redis":
        stamp = f"{start:%d %b %Y %H:%M:%S}.000"
        return [
            f"1:C {stamp} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
            f"1:C {stamp} * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started",
            f"1:C {stamp} # Warning: no config file specified, using the default config. "
            "In order to specify a config file use redis-server /path/to/redis.conf",
            f"1:M {stamp} * monotonic clock: POSIX clock_gettime",
            f"1:M {stamp} * Running mode=standalone, port=6379.",
            f"1:M {stamp} * Server initialized",
            f"1:M {stamp} * Ready to accept connections tcp",
        ]
    return [f"{repo} started"]


POSTGRES_NO_PASSWORD = [
    "Error: Database is uninitialized and superuser password is not specified.",
    "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
    '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
    "",
    '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
    "       connections without a password. This is *not* recommended.",
    "",
    '       See PostgreSQL documentation about "trust":',
    "       https://www.postgresql.org/docs/current/auth-trust.html",
]


def _postgres(env: dict[str, str], start: datetime, ref: ImageRef) -> Program:
    if not env.get("POSTGRES_PASSWORD") and env.get("POSTGRES_HOST_AUTH_METHOD") != "trust":
        return Program([Step(0.0, OUT, line) for line in POSTGRES_NO_PASSWORD], exit_at=0.0, exit_code=1)
    stamp = f"{start:%Y-%m-%d %H:%M:%S}.000 UTC"
    major = ref.tag.split(".")[0] if ref.tag[:1].isdigit() else "17"
    lines = [
        'The files belonging to this database system will be owned by user "postgres".',
        "This user must also own the server process.",
        "",
        "Success. You can now start the database server using:",
        "",
        f"{stamp} [1] LOG:  starting PostgreSQL {major}.2 (Debian {major}.2-1.pgdg120+1) on x86_64-pc-linux-gnu",
        f'{stamp} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432',
        f'{stamp} [1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"',
        f"{stamp} [1] LOG:  database system is ready to accept connections",
    ]
    return Program([Step(0.0, OUT, line) for line in lines], listens=(5432,), stopped_code=0)


def _web(ref: ImageRef, spec: ImageSpec, start: datetime, crash_after: float) -> Program:
    version = ref.tag
    stamp = f"{start:%Y-%m-%dT%H:%M:%SZ}"
    lines = [f"{stamp} kubelearn-web {version} starting", f"{stamp} listening on :8080"]
    if "broken" in version:
        crash = f"{_clock(start, crash_after):%Y-%m-%dT%H:%M:%SZ}"
        steps = [Step(0.0, OUT, lines[0]), Step(0.0, OUT, f"{stamp} loading config from /etc/web/config.yaml")]
        steps += [
            Step(crash_after, OUT, f"{crash} panic: runtime error: invalid memory address or nil pointer dereference"),
            Step(crash_after, OUT, "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6b8f2a]"),
        ]
        return Program(steps, exit_at=crash_after, exit_code=2, listens=(8080,), http_paths=spec.http_paths)
    return Program(
        [Step(0.0, OUT, line) for line in lines], listens=(8080,), http_paths=spec.http_paths, stopped_code=0
    )


def _memhog(start: datetime, memory_limit: int | None, crash_after: float) -> Program:
    target = 512 * MI
    lines = [Step(0.0, OUT, f"memhog: allocating {target // MI}Mi in 64Mi chunks")]
    if memory_limit is not None and memory_limit < target:
        chunks = max(1, memory_limit // (64 * MI))
        for i in range(1, chunks + 1):
            lines.append(Step(crash_after * i / (chunks + 1), OUT, f"memhog: allocated {i * 64}Mi"))
        return Program(lines, exit_at=crash_after, exit_code=137, exit_reason=OOM_KILLED)
    for i in range(1, 9):
        lines.append(Step(crash_after * i / 9, OUT, f"memhog: allocated {i * 64}Mi"))
    lines.append(Step(crash_after, OUT, "memhog: holding 512Mi"))
    return Program(lines)


def build_program(
    ref: ImageRef,
    command: list[str],
    args: list[str],
    env: dict[str, str],
    start: datetime,
    hostname: str,
    crash_after: float,
    memory_limit: int | None = None,
    env_lines: Any = None,
) -> Program:
    """What the container does once started, from its image, command/args and environment."""
    spec = ref.spec
    assert spec is not None
    argv = list(command) + list(args) if command else []
    if command and (command[0].rsplit("/", 1)[-1] in SHELLS or spec.behaviour == SHELL):
        if not spec.shell:
            message = (
                "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create "
                f'failed: unable to start container process: exec: "{command[0]}": executable file not found in $PATH: unknown'
            )
            return Program([], exit_at=0.0, exit_code=128, exit_reason=START_ERROR, exit_message=message)
        shell = Shell(env, start, hostname, spec.shell, env_lines)
        if argv[0].rsplit("/", 1)[-1] in SHELLS and len(argv) >= 3 and argv[1] == "-c":
            program = shell.run_script(argv[2])
        elif argv[0].rsplit("/", 1)[-1] in SHELLS:
            program = Program([], exit_at=0.0)  # an interactive shell without a terminal exits at once
        else:
            program = shell.run_argv(argv)
        program.files.update(dict.fromkeys(spec.files, ""))
        program.stopped_code = 137
        return program
    if spec.behaviour == SHELL:
        shell = Shell(env, start, hostname, spec.shell, env_lines)
        program = shell.run_argv(args) if args else Program([], exit_at=0.0)  # CMD ["sh"]: exits at once
        return program
    if spec.behaviour == CRASHY:
        stamp = f"{start:%Y-%m-%dT%H:%M:%SZ}"
        steps = [
            Step(0.0, OUT, f"{stamp} crashy: starting up"),
            Step(
                crash_after,
                OUT,
                f"{_clock(start, crash_after):%Y-%m-%dT%H:%M:%SZ} crashy: fatal: could not connect to database, exiting",
            ),
        ]
        return Program(steps, exit_at=crash_after, exit_code=1)
    if spec.behaviour == MEMHOG:
        return _memhog(start, memory_limit, crash_after)
    if spec.behaviour == POSTGRES:
        return _postgres(env, start, ref)
    if spec.behaviour == WEB:
        return _web(ref, spec, start, crash_after)
    steps, times = _server_timeline(spec.repository, ref.tag, start, hostname)
    return Program(
        steps,
        listens=spec.ports,
        http_paths=spec.http_paths,
        files=dict.fromkeys(spec.files, ""),
        stopped_code=spec.stopped_code,
        _times=times,
    )


@lru_cache(maxsize=64)
def _server_timeline(repository: str, tag: str, start: datetime, hostname: str) -> tuple[list[Step], list[float]]:
    """A server image's start-up lines as a timeline, shared by every container of the same
    image started in the same second (read-only: ``Program`` never changes its steps).
    Only httpd prints the hostname; the others share the entry whatever pod they run in."""
    if hostname and repository.rsplit("/", 1)[-1] != "httpd":
        return _server_timeline(repository, tag, start, "")
    lines = _server_lines(CATALOGUE[repository], ImageRef("", repository, tag), start, hostname)
    steps = [Step(0.0, OUT, line) for line in lines]
    return steps, [0.0] * len(steps)


__all__ = ["CATALOGUE", "ERROR", "ImageRef", "ImageSpec", "build_program", "parse_reference", "pull_error"]
