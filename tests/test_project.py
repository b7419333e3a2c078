"""The README's two commands, .ci/run and the console script stay true."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    head = text.split("\n## ", 2)[1]  # the section that opens the README
    return re.findall(r"```bash\n(.+?)\n```", head, flags=re.S)


def test_readme_opens_with_exactly_two_commands():
    commands = _readme_commands()
    assert len(commands) == 2
    serve, test = commands
    assert serve.endswith("arblab serve") and "pip install" in serve
    assert "pytest" in test and '".[test]"' in test


def test_ci_runs_the_readme_test_command_unchanged():
    test_command = _readme_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci_lines


def test_console_script_lists_every_command():
    out = subprocess.run(
        [sys.executable, "-m", "lab.cli", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("serve", "server", "bench", "report"):
        assert command in out.stdout


def test_no_registry_hosts_in_tracked_config():
    for name in ("pyproject.toml", "anaconda-project.yml", ".ci/run"):
        text = (ROOT / name).read_text()
        assert not re.search(r"pypi\.org|pythonhosted\.org", text), name
