"""Command line: ``iece list | run | claims | open | clean | ema`` (also ``python -m iece``).

The CLI is the top layer: it runs the notebooks and renders the report through
:func:`iece.report.build`, reads the ledger, and calls the EMA directly for ``iece ema``.
Its help texts are plain text (:data:`DESCRIPTION`), not this docstring.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

from . import __version__, cli_sensitivity
from .io import ProjectRootError
from .paper import choices, ema_numbers
from .physics import ema
from .pipeline import bundle, ledger, verdicts
from .pipeline.bundle import BundleError
from .pipeline.figure import ParameterError
from .pipeline.results import ResultsError
from .pipeline.runner import BuildDirError, BusyError

DESCRIPTION = """\
An open, reproducible check of Lee & Smith, "Interdiffusion-Enhanced Cation Exchange for HgSe
and HgCdSe Nanocrystals with Infrared Bandgaps": every figure notebook is run, each
quantitative statement of the paper gets a verdict, and one offline HTML report shows them.

  iece run                 run every figure notebook, then render report/index.html
  iece claims              the verdict of every statement of the ledger
  iece open [FIG]          open the report (or a figure's page) in the browser
  iece list                figures and their parameters
"""


def _project(args):
    from .pipeline.runner import Project, find_root

    try:
        root = Path(args.root) if args.root else find_root()
    except ProjectRootError as exc:
        print(f"iece: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if not root.is_dir():
        print(f"iece: --root {str(root)!r} is not a folder", file=sys.stderr)
        raise SystemExit(2)
    try:  # the paper bundle named by the project's config: a bad table stops here
        paper = bundle.load(root)
    except BundleError as exc:
        print(f"iece: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    proj = Project(root, notebooks=args.notebooks or paper.notebooks, build=args.build_dir)
    if not proj.notebooks.is_dir():
        print(
            f"iece: no notebooks folder at {str(proj.notebooks)!r}; is {str(root)!r} an iece "
            "project?",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return proj


def cmd_list(args) -> int:
    from .pipeline.runner import discover

    proj = _project(args)
    try:
        figures = {fid: (fig, fig.parameters) for fid, fig in discover(proj).items()}
    except ParameterError as exc:
        print(f"iece list: {exc}", file=sys.stderr)
        return 2
    for fid, (fig, ps) in figures.items():
        where = fig.path.relative_to(proj.root) if fig.path.is_relative_to(proj.root) else fig.path
        print(f"{fid:8s} {fig.title}  [{where}]")
        for p in ps:
            print(
                f"    {p.name:22s} {p.kind:6s} default={p.default!r:14s} {p.help} ({p.allowed()})"
            )
        for low, high in ps.below.items():
            print(f"    ({low} must be below {high})")
        for name, needed in ps.requires.items():
            print(f"    ({name} is used only with {needed})")
    return 0


def cmd_run(args) -> int:
    from .pipeline.runner import load_results
    from .report import build

    proj = _project(args)
    if args.jobs is not None and args.jobs < 0:
        print(f"iece run: --jobs must be >= 0 (0: one per core), got {args.jobs}", file=sys.stderr)
        return 2
    if not (args.timeout >= 0 and args.timeout == int(args.timeout)):
        print(
            f"iece run: --timeout counts whole seconds, >= 0 (0: none), got {args.timeout:g}",
            file=sys.stderr,
        )
        return 2
    overrides = dict(args.param or [])
    before = _verdict_map(proj)
    try:
        outcomes = build(
            proj,
            args.figures or None,
            overrides,
            jobs=args.jobs,
            force=args.force,
            fast=args.fast,
            progress=not args.quiet,
            timeout_s=args.timeout,
        )
    except ParameterError as exc:
        print(f"iece run: {exc}", file=sys.stderr)
        return 2
    except BusyError as exc:
        print(f"iece run: {exc}", file=sys.stderr)
        return 3
    except (ledger.LedgerError, BundleError, ResultsError, BuildDirError) as exc:
        print(f"iece run: {exc}", file=sys.stderr)
        return 2
    failed = [o for o in outcomes.values() if o.status == "failed"]
    width = max([8, *(len(o.id) for o in outcomes.values())])
    for o in outcomes.values():
        print(f"{o.id:{width}s} {o.status:7s} {o.runtime_s:6.1f} s  {o.error}".rstrip())
    paper = load_results(proj).figures
    for o in failed:
        if o.id in paper and paper[o.id].older_run and paper[o.id].latest_error == o.error:
            print(f"{o.id:{width}s} keeps its last good results, from {paper[o.id].older_run}")
    for o in outcomes.values():  # a run that is not the paper's: its own page
        page = proj.place(o.id, False, o.entry.hash).page if o.entry.hash else None
        mine = o.id in paper and paper[o.id].hash == o.entry.hash
        if page is not None and not mine and page.is_file():
            print(f"your run of {o.id}: {_shown(page)}")
    print(_run_verdicts(proj, before))
    print(f"report: {_shown(proj.report / 'index.html')}")
    return 1 if failed else 0


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is below it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _run_command(args) -> str:
    """The ``iece run`` that makes what is missing, with the same folders."""
    opts = [f"--{o.replace('_', '-')} {getattr(args, o)}" for o in ("root", "build_dir")]
    return "`" + " ".join(["iece", *(o for o in opts if not o.endswith(" None")), "run"]) + "`"


def _evaluate(proj):
    """The claims evaluated on the current paper results: (rows, summary, notes), or None when
    there are no results yet."""
    from .pipeline.runner import annotate, current, load_results

    claims = ledger.load(bundle.load(proj.root).claims_file)  # named even before a run
    if not proj.results_file.is_file():
        return None
    results, notes = current(proj, load_results(proj))
    evaluated = verdicts.evaluate(claims, results)
    return annotate([e.as_dict() for e in evaluated], notes), verdicts.summary(evaluated), notes


def _verdict_map(proj) -> dict[str, str] | None:
    """Each claim's verdict now (before a run), or None when there is nothing to compare."""
    try:
        got = _evaluate(proj)
    except (ledger.LedgerError, BundleError, ResultsError):
        return None
    return None if got is None else {r["id"]: r["verdict"] for r in got[0]}


def _run_verdicts(proj, before: dict[str, str] | None) -> str:
    """The end of ``iece run``: the claims headline and how many verdicts changed."""
    try:
        rows, summary, _ = _evaluate(proj) or ([], None, {})
    except (ledger.LedgerError, BundleError, ResultsError) as exc:
        return f"claims: not evaluated ({exc})"
    if summary is None:
        return "claims: not evaluated yet; a run with the paper's parameters gives the verdicts"
    if before is None:
        change = "no earlier run to compare verdicts with"
    else:
        changed = [r["id"] for r in rows if before.get(r["id"], "missing") != r["verdict"]]
        more = " and more (iece claims shows every verdict)" if len(changed) > 5 else ""
        change = (
            f"{len(changed)} claim verdict(s) changed since the last run: "
            f"{', '.join(changed[:5])}{more}"
            if changed
            else "no claim verdict changed since the last run"
        )
    return f"{verdicts.headline(summary)}\n{change}"


def _ours(r) -> str:
    return "—" if r["verdict"] == "not checkable" else ledger.fmt_value(r["ours"], r["unit"])


def _claims_markdown(rows) -> str:
    lines = [
        "| id | evidence | statement | paper | ours | verdict | under each open choice |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        flag = "" if r["ok"] else f" (expected {r['expected_verdict']})"
        lines.append(
            f"| {r['id']} | {r['evidence']} | {r['quantity']} | "
            f"{ledger.fmt_value(r['paper_value'], r['unit'])} | {_ours(r)} | {r['verdict']}{flag} "
            f"| {r['robustness']} |"
        )
    return "\n".join(lines)


def cmd_claims(args) -> int:
    proj = _project(args)
    try:
        got = _evaluate(proj)
    except (ledger.LedgerError, BundleError, ResultsError) as exc:
        print(f"iece claims: {exc}", file=sys.stderr)
        return 2
    if got is None:
        print(
            f"iece claims: no results yet ({_shown(proj.results_file)} does not exist); "
            f"run {_run_command(args)} first",
            file=sys.stderr,
        )
        return 2
    rows, summary, notes = got
    said = [n for ns in notes.values() for n in ns]
    not_current = sorted({n.figure for n in said if n.blocking})
    if args.format == "json":
        body = {"summary": summary, "claims": rows}
        body["notes"] = {fid: [n.text for n in ns] for fid, ns in notes.items()}
        print(json.dumps(body, indent=1))
    elif args.format == "markdown":
        print(verdicts.headline(summary) + "\n\n" + _claims_markdown(rows))
        for n in said:
            print(f"\n- {n.text}")
    else:
        print(verdicts.headline(summary))
        print(f"{len(rows)} entries, {summary['mismatches']} differ from the ledger\n")
        print(f"{'claim':30s} {'evidence':11s} {'paper':>14s} {'ours':>14s}  verdict")
        for r in rows:
            flag = "" if r["ok"] else f"   <-- expected {r['expected_verdict']}"
            print(
                f"{r['id']:30.30s} {r['evidence']:11.11s} "
                f"{ledger.fmt_value(r['paper_value'], r['unit']):>14.14s} {_ours(r):>14.14s}  "
                f"{r['verdict']}{flag}"
            )
            if r["robustness"] and r["robustness"] != "robust":
                print(f"{'':32s}{r['robustness']}")
        for n in said:
            print(n.text)
    misquoted = _misquoted(proj)
    for cid in misquoted:  # the ledger is the user's test: a quote must be the paper's words
        print(f"iece claims: {cid}: its quote is not in the paper's text", file=sys.stderr)
    if not_current:  # stale, edited or --fast results are never read as the paper's
        print(
            f"iece claims: not the current paper results of this checkout: "
            f"{', '.join(not_current)}; run `iece run {' '.join(not_current)}`",
            file=sys.stderr,
        )
        return 1
    return 0 if summary["mismatches"] == 0 and not misquoted else 1


def _misquoted(proj) -> list[str]:
    """The claims whose quote is not in the paper's text (whitespace aside), when the project
    names a text that is there; none otherwise (the quote check needs the text)."""
    paper = bundle.load(proj.root)
    path = bundle.text_path(paper)
    if path is None or not path.is_file():
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    entries = ledger.load(paper.claims_file, paper=paper)
    return [c.id for c in entries if c.quote and not ledger.quote_in_paper(c.quote, text)]


def _has_display() -> bool:
    """Whether a graphical browser can open: always on macOS and Windows; on Linux and other
    Unix only with an X or Wayland display (without one, ``webbrowser`` would start a text
    browser in this terminal)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_open(args) -> int:
    import webbrowser

    proj = _project(args)
    if not args.figure:
        page = proj.report / "index.html"
    elif re.fullmatch(r"[A-Za-z0-9_]+-[0-9a-f]{8}", args.figure):  # a user run's id
        page = proj.report / "runs" / f"{args.figure}.html"
    else:
        page = proj.report / f"{args.figure}.html"
    if not page.is_file():
        what = f"no page for {args.figure!r}" if args.figure else "no report yet"
        pages = sorted(p.stem for p in proj.report.glob("*.html") if p.stem != "index")
        known = f" (pages: {', '.join(pages)})" if args.figure and pages else ""
        print(
            f"iece open: {what} at {_shown(page)}{known}; run {_run_command(args)} first",
            file=sys.stderr,
        )
        return 2
    if args.print or not _has_display() or not webbrowser.open(page.as_uri()):
        print(_shown(page))
    return 0


def _date(text: str):
    """``--before``: a date (``2024-05-01``) or a date and time (``2024-05-01 12:00``), UTC."""
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--before must be a date like 2024-05-01 (or '2024-05-01 12:00', UTC), got {text!r}"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def cmd_clean(args) -> int:
    from .pipeline.runner import DATE_FORMAT, clean, load_results

    proj = _project(args)
    try:
        removed = clean(proj, args.before)
        if removed and (proj.report / "index.html").is_file():  # no links to removed pages
            from .report.render import render_index

            render_index(proj, load_results(proj))
    except (BusyError, BuildDirError) as exc:
        print(f"iece clean: {exc}", file=sys.stderr)
        return 3 if isinstance(exc, BusyError) else 2
    except (ledger.LedgerError, BundleError, ResultsError) as exc:
        print(f"iece clean: {exc}", file=sys.stderr)
        return 2
    for r in removed:
        print(f"removed {r.run_id} ({r.date}): {len(r.files)} files, {r.size_bytes / 1e6:.1f} MB")
        for path in r.kept:
            print(f"  kept {path} (not made by iece)")
    when = f" from before {args.before.strftime(DATE_FORMAT)}" if args.before else ""
    total = sum(r.size_bytes for r in removed) / 1e6
    print(f"{len(removed)} user run(s){when} removed, {total:.1f} MB; the paper's results stay")
    return 0


_MEDIUM_OPTIONS = ("barrier_e", "barrier_h", "outside_mass_e", "outside_mass_h")


def _level(text: str, name: str) -> float:
    try:
        v = float(text)  # accepts "inf"
    except ValueError:
        v = float("nan")
    if np.isnan(v) or v == -np.inf:
        raise ValueError(f"--{name} must be a number of eV or inf, got {text!r}")
    return v


#: The finite-barrier solver (a 300-point energy grid from the band edge up to the outside
#: level brackets the ground state) agrees with the finite-volume reference solver within
#: 2 meV while (level + 1 eV) d^2 stays below this, for every x and both structures
#: (tests/test_protect_numbers.py checks it at the bound). Beyond, it can miss the ground
#: state: 1000 eV at 4 nm had given 5.46 eV, above the hard wall's 2.73 eV.
BARRIER_D2_MAX_EV_NM2 = 900.0


def max_barrier_eV(diameter_nm: float) -> float:
    """The highest finite outside level ``iece ema`` solves for a ``diameter_nm`` NC (eV)."""
    return BARRIER_D2_MAX_EV_NM2 / diameter_nm**2 - 1.0


def _check_barriers(out: ema.Outside, diameter_nm: float, preset: str | None) -> None:
    """Refuse an outside level above :func:`max_barrier_eV`, naming the option."""
    top = max_barrier_eV(diameter_nm)
    for carrier, level in (("e", out.Ve_eV), ("h", out.Vh_eV)):
        if np.isfinite(level) and level > top:
            given = f"--outside {preset}" if preset else f"--barrier-{carrier} {level:g}"
            raise ValueError(
                f"{given}: the {'electron' if carrier == 'e' else 'hole'} level {level:g} eV is "
                f"above the {top:.3g} eV up to which the finite-barrier solver is validated for "
                f"a {diameter_nm:g} nm NC; give inf for a hard wall"
            )


def _mass(text: str, name: str):
    if text == "m0":
        return 1.0
    if text == "own":
        return None
    try:
        v = float(text)
    except ValueError:
        raise ValueError(f"--{name} must be m0, own or a mass in m0, got {text!r}") from None
    if not (np.isfinite(v) and v > 0):
        raise ValueError(f"--{name} must be m0, own or a mass > 0, got {text!r}")
    return v


def _medium(args) -> ema.Outside:
    """The outside medium of ``iece ema``: a preset, or the explicit per-carrier options (eV
    above the common level of the offsets; ``--barrier-e 0 --barrier-h 0`` with m0 is
    ``reference``)."""
    explicit = [o for o in _MEDIUM_OPTIONS if getattr(args, o) is not None]
    if args.outside is not None and explicit:
        flags = ", ".join("--" + o.replace("_", "-") for o in explicit)
        raise ValueError(f"--outside cannot be combined with {flags}")
    if not explicit:
        return choices.outside(args.outside or "reference")
    return ema.Outside(
        "explicit",
        _level(args.barrier_e or "0", "barrier-e"),
        _level(args.barrier_h or "0", "barrier-h"),
        _mass(args.outside_mass_e or "m0", "outside-mass-e"),
        _mass(args.outside_mass_h or "m0", "outside-mass-h"),
        note="from the command line",
    )


def cmd_ema(args) -> int:
    try:
        out = _medium(args)
        _check_barriers(out, args.diameter_nm, args.outside)
        if args.structure == "alloy":
            structure = ema.alloy(args.diameter_nm, args.x)
        else:
            structure = ema.core_shell(args.diameter_nm, args.x, args.geometry)
        # the same numbers as the fig2eg page and the reading search (iece.paper.ema_numbers)
        result = ema_numbers.nc(structure, out, interface=args.interface, coulomb=args.coulomb)
    except ValueError as exc:  # includes NoBoundState
        print(f"iece ema: {exc}", file=sys.stderr)
        return 2
    if not all(np.isfinite(v) for v in result.values()):  # JSON has no NaN; never print one
        bad = ", ".join(k for k, v in result.items() if not np.isfinite(v))
        print(f"iece ema: the solver gave no finite {bad} for this NC", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, allow_nan=False))
    else:
        print(
            f"{args.structure}, diameter {args.diameter_nm:g} nm, x = {args.x:g}, "
            f"outside medium {out.name} ({out.note}), {args.interface} interface, "
            f"{args.coulomb} Coulomb kernel"
        )
        for k, v in result.items():
            print(f"  {ema_numbers.NC_LABELS[k]:40s} {v:.4f}")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse that reads ``-5e-1`` and ``-1e-9`` as numbers, not options (its own pattern
    knows only ``-5`` and ``-.5``), so ``-p bulk_gap_eV -5e-1`` and ``--x -1e-9`` parse."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(
        prog="iece", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--version", action="version", version=f"iece {__version__}")
    ap.add_argument("--root", help="project root (default: found from the current folder)")
    ap.add_argument("--notebooks", help="notebook folder (default: ROOT/notebooks)")
    ap.add_argument("--build-dir", help="build folder (default: ROOT/build)")
    sub = ap.add_subparsers(dest="command", required=True)

    sub.add_parser("list", help="figures and their parameters").set_defaults(func=cmd_list)

    r = sub.add_parser("run", help="execute figure notebooks and render the report")
    r.add_argument("figures", nargs="*", help="figure ids (default: all)")
    r.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter (repeatable)",
    )
    r.add_argument(
        "--jobs", type=int, default=None, help="notebooks at once (0 or absent: one per core)"
    )
    r.add_argument("--force", action="store_true", help="rerun even when nothing changed")
    r.add_argument("--fast", action="store_true", help="cheap settings (for tests)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument(
        "--timeout",
        type=float,
        default=300,
        metavar="SECONDS",
        help="limit on one notebook cell; a cell that runs longer fails its notebook (0: none)",
    )
    r.set_defaults(func=cmd_run)

    c = sub.add_parser("claims", help="the claims ledger with the latest verdicts")
    c.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    c.set_defaults(func=cmd_claims)

    o = sub.add_parser("open", help="open the report, or one figure's page, in the browser")
    o.add_argument("figure", nargs="?", help="a figure id (or a user run's id); default: the index")
    o.add_argument("--print", action="store_true", help="print the page's path, open nothing")
    o.set_defaults(func=cmd_open)

    k = sub.add_parser("clean", help="remove user runs (all, or older than --before)")
    k.add_argument(
        "--before",
        type=_date,
        metavar="DATE",
        help="only runs that finished before DATE (2024-05-01 or '2024-05-01 12:00', UTC)",
    )
    k.set_defaults(func=cmd_clean)

    cli_sensitivity.add_parser(sub, _project)

    p = sub.add_parser("ema", help="1S-1S energy, overlap and surface fraction of one NC")
    p.add_argument("--diameter-nm", type=float, required=True, help="NC diameter (nm), in [1, 30]")
    p.add_argument("--x", type=float, required=True, help="total Hg fraction, 0 <= x <= 1")
    p.add_argument("--structure", choices=("alloy", "core-shell"), default="alloy")
    p.add_argument(
        "--outside",
        choices=choices.OUTSIDE_MEDIA,
        default=None,
        help="outside medium preset (default: reference, the literal reading)",
    )
    p.add_argument(
        "--barrier-e",
        metavar="EV",
        help="electron outside level, eV above the common level of the offsets, or inf (default 0)",
    )
    p.add_argument("--barrier-h", metavar="EV", help="hole outside level (eV, or inf; default 0)")
    p.add_argument(
        "--outside-mass-e",
        metavar="m0|own|VALUE",
        help="electron mass outside (default m0; own: the outermost layer's)",
    )
    p.add_argument("--outside-mass-h", metavar="m0|own|VALUE", help="hole mass outside")
    p.add_argument(
        "--interface",
        choices=ema.INTERFACES,
        default="bdd",
        help="bdd: R and R'/m continuous; plain: R and R'",
    )
    p.add_argument(
        "--geometry",
        choices=ema.GEOMETRIES,
        default="volume",
        help="core/shell: x is the shell's volume or thickness fraction",
    )
    p.add_argument(
        "--coulomb",
        choices=ema.COULOMB_KERNELS,
        default="average",
        help="Coulomb kernel: volume-averaged eps or layered eps(r)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=cmd_ema)
    return ap


#: Folders iece writes and may delete (``figures/`` holds only generated files).
GENERATED = ("build/", "report/", "figures/")


def main(argv=None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show "—" or "±" gets "?"
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = build_parser().parse_args(argv)
    try:
        status = args.func(args)
        sys.stdout.flush()  # here, not at exit, where a closed pipe cannot be caught
        return status
    except BrokenPipeError:  # `iece list | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a damaged or unwritable build/, report/ or figures/ folder
        where = str(exc.filename or "")
        generated = any(f"/{d}" in where.replace(os.sep, "/") for d in GENERATED)
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT):
            room = "full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "not writable"
            hint = f"\nthe folder is {room}: free space or give --build-dir on another disk"
        elif generated:
            hint = (
                "\nbuild/, report/ and the files in figures/ are generated: delete what is "
                "damaged and run again"
            )
        else:
            hint = ""
        print(f"iece: {exc.strerror or exc}: {where}{hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "\niece: interrupted; finished notebooks kept their outputs, the rest run next time",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
