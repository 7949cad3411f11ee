"""The ``anchoring`` command line.

Every subcommand takes ``--root PATH`` (default: the project root found from the working
directory). Expected failures (:class:`~anchoring.exceptions.AnchoringError`) end in one readable
message on standard error and exit status 1, without a traceback. Progress is logged to standard
error; the command's result (a path, a verdict) goes to standard output.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from anchoring import __version__
from anchoring.exceptions import AnchoringError
from anchoring.logging_setup import configure_logging
from anchoring.masking import mask_message
from anchoring.paths import check_round_id, find_project_root

log = logging.getLogger(__name__)


def _cmd_simulate(args: argparse.Namespace) -> int:
    from anchoring.simulate import simulate_round

    raw_dir = simulate_round(
        args.root,
        args.round,
        seed=args.seed,
        scale=args.scale,
        previous_round=args.previous_round,
        formats=args.formats,
    )
    print(raw_dir)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from anchoring.pipeline import run_demo

    for path in run_demo(args.root):
        print(path)
    return 0


def _cmd_init_round(args: argparse.Namespace) -> int:
    from anchoring.intake.init_round import init_round

    print(init_round(args.root, args.round, [Path(f) for f in args.files]))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from anchoring.intake.validate import check_round

    report = check_round(args.root, args.round)
    for problem in report.problems:
        print(f"- {problem}")
    if report.notes:  # after the problems: they do not stop a run
        print(f"{len(report.notes)} note(s) (not problems; review them):")
        for note in report.notes:
            print(f"  * {note}")
    if report.problems:
        print(f"{len(report.problems)} problem(s) in round '{args.round}'.")
        return 1
    print(f"Round '{args.round}' is valid.")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from anchoring.pipeline import run_round

    result = run_round(
        args.root, args.round, lang=args.lang, force=args.force, timeout_s=args.timeout
    )
    for path in result.report_paths:
        print(path)
    return 0


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from anchoring.pipeline import reproduce_round

    result = reproduce_round(args.root, args.round)
    for line in result.verdict_lines():
        print(line)
    return 0 if result.ok else 1


def _cmd_explore(args: argparse.Namespace) -> int:
    from anchoring.pipeline.explore import explore_round

    print(
        explore_round(
            args.root,
            args.round,
            measure=args.measure,
            group=args.group,
            lang=args.lang,
            timeout_s=args.timeout,
        )
    )
    return 0


def _root(value: str) -> Path:
    return Path(value).expanduser().resolve()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``anchoring`` command (one subparser per subcommand)."""
    parser = argparse.ArgumentParser(
        prog="anchoring",
        description="Anchoring of Digital samhandling steg 2: clean, estimate, report.",
    )
    parser.add_argument("--version", action="version", version=f"anchoring {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root",
        type=_root,
        default=None,
        help="project root (default: found from the working directory)",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], text: str, with_round: bool = True
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=text, description=text)
        if with_round:
            p.add_argument("--round", required=True, metavar="ID", help="round id")
        p.set_defaults(handler=handler)
        return p

    p = add("simulate", _cmd_simulate, "write a synthetic round (exports, round.yaml, truth.json)")
    p.add_argument("--seed", type=int, required=True, help="random seed (same seed, same bytes)")
    p.add_argument("--scale", type=float, default=1.0, help="size factor (100 = 100× larger)")
    p.add_argument(
        "--previous-round",
        default=None,
        metavar="ID",
        help="round to name as previous in the config",
    )
    p.add_argument(
        "--formats",
        default="nettskjema,excel,spss",
        metavar="F,F,F",
        help="export format per group (municipality, hospital, gp): nettskjema,excel,spss "
        "(default) or the tools' own formats nettskjema-text, forms, qualtrics for any group",
    )
    add(
        "demo",
        _cmd_demo,
        "simulate and run the demo rounds; prints the report paths",
        with_round=False,
    )
    p = add(
        "init-round",
        _cmd_init_round,
        "draft round.yaml from the exports in data/raw/ID (copying FILEs there first)",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="exports to copy into the round")
    add("validate", _cmd_validate, "check a round's config and exports; writes nothing")
    p = add("run", _cmd_run, "clean, analyse and report a round (papermill notebooks)")
    p.add_argument(
        "--lang", choices=["nb", "en", "both"], default="both", help="report language(s)"
    )
    p.add_argument("--force", action="store_true", help="rerun every stage")
    p.add_argument(
        "--timeout",
        type=float,
        default=1800.0,
        metavar="SECONDS",
        help="stop a notebook that runs longer than this (default 1800)",
    )
    add(
        "reproduce",
        _cmd_reproduce,
        "rerun a round from its raw exports in a temporary root and compare outputs",
    )
    p = add(
        "explore",
        _cmd_explore,
        "render the analyst's exploratory views of a recorded round to "
        "reports/ID/explore.html (not suppressed: not for sharing)",
    )
    p.add_argument("--measure", default="", metavar="M", help="measure id to focus on")
    p.add_argument("--group", default="", metavar="G", help="group id for the per-county view")
    p.add_argument("--lang", choices=["nb", "en"], default="nb", help="language of the labels")
    p.add_argument(
        "--timeout",
        type=float,
        default=1800.0,
        metavar="SECONDS",
        help="stop the notebook if it runs longer than this (default 1800)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    configure_logging(verbose=args.verbose)
    try:
        for given in (getattr(args, "round", None), getattr(args, "previous_round", None)):
            if given is not None:  # before anything touches the disk
                check_round_id(given)
        if args.root is None:
            args.root = find_project_root()
        return args.handler(args)
    except AnchoringError as exc:
        print(f"anchoring {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        # A file-system failure the package did not anticipate (disk full, a file where a folder
        # should be, no permission): still one message, no traceback.
        where = mask_message(f"{exc.filename}: ") if exc.filename else ""
        print(
            f"anchoring {args.command}: error: {where}{exc.strerror or exc}. Check that the "
            "folder exists, is writable and has free space, then run the command again.",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print(f"anchoring {args.command}: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
