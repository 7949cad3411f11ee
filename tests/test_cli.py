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


# --- issue 19: round ids checked before anything touches the disk; no personal data in messages

ODD_IDS = ["../../../esc", "../raw/base", "x y", "a\u202eb"]


def _tree(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    """The issue's round ``R``: ``anchoring simulate --round base --seed 1 --root R``."""
    root = tmp_path_factory.mktemp("sim") / "R"
    assert main(["simulate", "--round", "base", "--seed", "1", "--root", str(root)]) == 0
    return root


@pytest.mark.parametrize("command", ["simulate", "init-round", "validate", "run", "reproduce"])
@pytest.mark.parametrize("round_id", ODD_IDS)
def test_an_odd_round_id_is_refused_before_anything_is_written(
    command, round_id, simulated, tmp_path, capsys
):
    """Defects 1 and 2: a path or odd text as round id wrote outside data/raw or crashed."""
    root = tmp_path / "R"
    root.mkdir()
    (root / "data" / "raw").mkdir(parents=True)
    export = simulated / "data" / "raw" / "base" / "kommuner.csv"
    extra = {"simulate": ["--seed", "1"], "init-round": [str(export)]}.get(command, [])
    status = main([command, "--round", round_id, "--root", str(root), *extra])
    err = capsys.readouterr().err
    assert status == 1
    assert "is not a plain name" in err and "Traceback" not in err
    assert _tree(tmp_path) == ["R", "R/data", "R/data/raw"]


def test_a_round_id_that_is_the_raw_folder_path_is_refused(simulated, capsys):
    """Defect 2: ``run --round R/data/raw/base`` ended in a traceback and made folders."""
    before = _tree(simulated)
    status = main(["run", "--round", f"{simulated}/data/raw/base", "--root", str(simulated)])
    assert status == 1 and "is not a plain name" in capsys.readouterr().err
    assert _tree(simulated) == before


def test_personal_data_in_an_error_message_is_masked(tmp_path, capsys, monkeypatch):
    import anchoring.cli as cli
    from anchoring.exceptions import MappingError

    def _quoting_a_raw_cell(args):
        raise MappingError(
            "kommuner.csv row 3: organisation '01019012345' and role 'kari@example.no' "
            "(tlf 912 34 567) are not in the frame"
        )

    monkeypatch.setattr(cli, "_cmd_validate", _quoting_a_raw_cell)
    (tmp_path / "data" / "raw").mkdir(parents=True)
    assert cli.main(["validate", "--root", str(tmp_path), "--round", "r"]) == 1
    err = capsys.readouterr().err
    for personal in ("01019012345", "kari@example.no", "912 34 567"):
        assert personal not in err
    assert "[fødselsnummer]" in err and "[e-post]" in err and "[telefon]" in err
    assert "kommuner.csv row 3" in err
