"""``kubectl cordon|uncordon|drain`` and ``kubectl top``."""

from __future__ import annotations

from kubelearn.kubectl import CommandResult


def test_cordon_and_uncordon(kubectl):
    assert kubectl("cordon ship-a") == CommandResult(0, "node/ship-a cordoned\n", "")
    assert kubectl("cordon ship-a").stdout == "node/ship-a already cordoned\n"
    assert "ship-a   Ready,SchedulingDisabled" in kubectl("get nodes").stdout
    assert kubectl("uncordon node/ship-a").stdout == "node/ship-a uncordoned\n"
    assert kubectl("cordon ship-z").stderr == 'Error from server (NotFound): nodes "ship-z" not found\n'


def test_drain_evicts_managed_pods(kubectl):
    assert kubectl("drain ship-b --ignore-daemonsets").stdout == (
        "node/ship-b cordoned\nevicting pod default/web-56cd776789-2bzt9\n"
        "pod/web-56cd776789-2bzt9 evicted\nnode/ship-b drained\n"
    )


def test_drain_refuses_unmanaged_pods_without_force(kubectl):
    kubectl("apply -f -", stdin="apiVersion: v1\nkind: Pod\nmetadata: {name: solo}\nspec:\n"
                                "  nodeName: ship-c\n  containers: [{name: c, image: nginx}]\n")  # fmt: skip
    result = kubectl("drain ship-c")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        'error: unable to drain node "ship-c" due to error: cannot delete Pods that declare no controller '
        "(use --force to override): default/solo, continuing command...\n"
    )
    assert kubectl("drain ship-c --force").stdout.endswith("pod/solo evicted\nnode/ship-c drained\n")


def test_top_pods_and_nodes(kubectl):
    assert kubectl("top pods").stdout == (
        "NAME                   CPU(cores)   MEMORY(bytes)   \n"
        "web-56cd776789-2bzt9   1m           3Mi             \n"
        "web-56cd776789-vlc8w   1m           3Mi             \n"
    )
    assert kubectl("top nodes").stdout.startswith("NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   \n")
