"""Command-line parsing and kubectl's own error texts."""

from __future__ import annotations

from kubelearn.cluster import Cluster
from kubelearn.kubectl import CommandResult, run
from kubelearn.kubectl.tabwriter import tabwrite


def test_unknown_verb_suggests_close_commands(kubectl):
    assert kubectl("gett pods") == CommandResult(
        1, "", 'error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n\tget\n\tset\n'
    )


def test_unknown_long_flag_names_the_usage_page(kubectl):
    assert kubectl("get pods --foo") == CommandResult(
        1, "", "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"
    )


def test_unknown_shorthand_flag(kubectl):
    result = kubectl("get pods -x")
    assert result.stderr == "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage.\n"


def test_flag_without_its_value(kubectl):
    result = kubectl("scale deploy web --replicas")
    assert result.stderr == "error: flag needs an argument: --replicas\nSee 'kubectl scale --help' for usage.\n"


def test_shell_pipes_are_refused_with_a_friendly_error(kubectl):
    result = kubectl("get pods | grep web")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: shell syntax (|) is not supported here")


def test_leading_kubectl_is_optional_and_flags_may_come_first(kubectl):
    assert kubectl("kubectl -n default get deploy").stdout == kubectl("get deploy").stdout


def test_unknown_resource_type(kubectl):
    assert kubectl("get deploymnets") == CommandResult(
        1, "", 'error: the server doesn\'t have a resource type "deploymnets"\n'
    )


def test_run_never_raises_on_garbage():
    result = run(Cluster(seed=0, nodes=1), "get 'unterminated")
    assert result.exit_code == 1
    assert result.stderr.startswith("error:")


def test_tabwriter_aligns_blocks_of_lines_that_share_a_column():
    text = "Name:\tweb\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tx\n"
    assert tabwrite(text) == "Name:  web\nIPs:\n  IP:           10.0.0.1\nControlled By:  x\n"
