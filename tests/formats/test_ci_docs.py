"""docs/ci.md's jobs are valid YAML that run commands the binary accepts, and the pre-commit
hooks name real subcommands."""

import re
import shlex

import yaml

from formats_support import ROOT, run


def yaml_blocks():
    text = (ROOT / "docs" / "ci.md").read_text()
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.S)]


def test_every_yaml_block_parses():
    blocks = yaml_blocks()
    assert len(blocks) == 4
    assert all(block for block in blocks)


def test_commands_in_the_jobs_use_real_flags():
    text = (ROOT / "docs" / "ci.md").read_text()
    commands = re.findall(r"fsx-webhook (check|test) ([^>\n]*)", text)
    assert commands
    for subcommand, args in commands:
        words = [w for w in shlex.split(args) if not w.startswith("[")]
        flags = [w for w in words if w.startswith("-")]
        result = run(subcommand, "--help")
        assert result.returncode == 0
        for flag in flags:
            assert flag in result.stdout, f"{subcommand} has no {flag}"


def test_pre_commit_hooks_name_real_subcommands():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {hook["id"] for hook in hooks} == {"fsx-webhook-check", "fsx-webhook-test"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        program, subcommand = hook["entry"].split()
        assert program == "fsx-webhook"
        assert run(subcommand, "--help").returncode == 0
