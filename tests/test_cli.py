"""The command line: help, --root everywhere, one clear message and exit 1 on expected errors."""

import subprocess
import sys

import pytest

from anchoring.cli import build_parser, main

SUBCOMMANDS = ["simulate", "demo", "init-round", "validate", "run", "reproduce"]


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_takes_root(command, tmp_path):
    parser = build_parser()
    extra = {"simulate": ["--round", "x", "--seed", "1"], "demo": []}.get(command, ["--round", "x"])
    args = parser.parse_args([command, "--root", str(tmp_path), *extra])
    assert args.root == tmp_path.resolve()


def test_expected_error_is_one_line_without_traceback(tmp_path, capsys):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    status = main(["run", "--root", str(tmp_path), "--round", "missing"])
    err = capsys.readouterr().err
    assert status == 1
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "round.yaml" in err and "init-round" in err


def test_validate_lists_problems_and_exits_1(tmp_path, capsys):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    status = main(["validate", "--root", str(tmp_path), "--round", "missing"])
    out = capsys.readouterr().out
    assert status == 1
    assert "round.yaml" in out and "1 problem(s)" in out


def test_no_project_found_says_use_root(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--round", "x"]) == 1
    assert "--root" in capsys.readouterr().err


def test_console_script_runs():
    out = subprocess.run(
        [sys.executable, "-m", "anchoring.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for command in SUBCOMMANDS:
        assert command in out


def test_file_system_failure_is_one_message(tmp_path, capsys, monkeypatch):
    import anchoring.cli as cli

    def _disk_full(args):
        raise OSError(28, "No space left on device", str(tmp_path / "reports"))

    monkeypatch.setattr(cli, "_cmd_reproduce", _disk_full)
    (tmp_path / "data" / "raw").mkdir(parents=True)
    status = cli.main(["reproduce", "--root", str(tmp_path), "--round", "r"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert "No space left on device" in err and "reports" in err


def test_log_goes_to_the_current_stderr_even_after_it_was_replaced(capsys):
    import io
    import logging
    import sys

    from anchoring.logging_setup import configure_logging

    configure_logging()
    first = sys.stderr
    replaced = io.StringIO()
    sys.stderr = replaced
    try:
        logging.getLogger("anchoring.test").info("after the swap")
    finally:
        sys.stderr = first
    assert replaced.getvalue() == "after the swap\n"
