"""Node maintenance: ``cordon``, ``drain`` (evictions through the API) and ``uncordon``.

Runs in a sandbox of its own (``kubectl-nodes``): draining moves pods, which would disturb
the other tests' objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.kubectl_real.support import AGE, Kubectl, match_lines

pytestmark = pytest.mark.kubectl


@pytest.fixture(scope="module")
def k(sandbox_kubectl: Callable[[str], Kubectl]) -> Kubectl:
    k = sandbox_kubectl("kubectl-nodes")
    k("create", "deployment", "mover", "--image=nginx:1.27", "--replicas=3")
    k("rollout", "status", "deployment/mover", "--timeout=60s")
    return k


def _nodes_of(k: Kubectl) -> dict[str, str]:
    """Pod name -> node name."""
    rows = k.lines("get", "pods", "-l", "app=mover", "-o", "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName")
    return dict(line.split() for line in rows[1:])


def test_cordon_marks_the_node_unschedulable_and_uncordon_clears_it(k: Kubectl) -> None:
    assert k("cordon", "ship-c").stdout == "node/ship-c cordoned\n"
    match_lines(
        [r"NAME +STATUS +ROLES +AGE +VERSION", rf"ship-c +Ready,SchedulingDisabled +worker +{AGE} +v1\.32\.0"],
        k.lines("get", "node", "ship-c"),
    )
    assert k("cordon", "ship-c").stdout == "node/ship-c already cordoned\n"
    assert k("uncordon", "ship-c").stdout == "node/ship-c uncordoned\n"
    assert k.json("get", "node", "ship-c")["spec"].get("unschedulable") in (None, False)


def test_drain_evicts_every_pod_and_the_deployment_replaces_them_elsewhere(k: Kubectl) -> None:
    before = _nodes_of(k)
    victims = sorted(name for name, node in before.items() if node == "ship-a")
    assert victims, before
    result = k("drain", "ship-a", "--ignore-daemonsets", "--timeout=60s")
    lines = result.stdout.splitlines()
    assert lines[0] == "node/ship-a cordoned"
    assert lines[-1] == "node/ship-a drained"
    assert sorted(re.fullmatch(r"pod/(\S+) evicted", x).group(1) for x in lines if x.endswith(" evicted")) == victims
    assert sorted(x.removeprefix("evicting pod default/") for x in lines if x.startswith("evicting ")) == victims
    assert len(lines) == 2 + 2 * len(victims)
    k("rollout", "status", "deployment/mover", "--timeout=60s")
    after = _nodes_of(k)
    assert len(after) == 3 and "ship-a" not in after.values()
    assert not set(victims) & set(after)
    assert k("uncordon", "ship-a").stdout == "node/ship-a uncordoned\n"


def test_draining_a_missing_node_is_not_found(k: Kubectl) -> None:
    result = k("drain", "ship-z", check=False)
    assert (result.returncode, result.stderr) == (1, 'Error from server (NotFound): nodes "ship-z" not found\n')
