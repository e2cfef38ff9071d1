"""``iece sensitivity``: the full Sobol' analysis of the model claim numbers (the EMA's and the
Fig. 1c chain's) on a Dask cluster, resumable (issue 23). The page
(``notebooks/ema_sensitivity.ipynb``) runs a cheap N in one process within the figures' budget;
this command runs any N, by default on a LocalCluster sized
to the machine, keeping each finished chunk under ``<build>/sensitivity/`` so that a killed run
started again resumes where it stopped and ends with the same numbers."""

from __future__ import annotations

import json
import sys

from .io import atomic_write_text
from .paper import choices, sensitivity, sensitivity_verdicts
from .pipeline import distribute, ledger, verdicts
from .pipeline.figure import ParameterError
from .pipeline.results import plain


def add_parser(sub, project) -> None:
    """The subcommand; ``project(args)`` gives its project (``--root``, ``--build-dir``)."""
    s = sub.add_parser(
        "sensitivity",
        help="Sobol' indices of the model claim numbers, and how likely each verdict holds",
    )
    s.add_argument("--n", type=int, default=4096, help="Sobol' base sample count (power of 2)")
    s.add_argument(
        "--n-solved",
        type=int,
        default=None,
        help="base sample count of the models that solve a root per sample (default: --n)",
    )
    s.add_argument(
        "--scheduler",
        default=distribute.LOCAL,
        help="'local' (a cluster on this machine), 'synchronous' (one process) or an address",
    )
    s.add_argument("--workers", type=int, default=None, help="local workers (default: cores)")
    s.add_argument(
        "--model",
        action="append",
        default=None,
        help="run only this model (repeatable): ema, lifetimes, exchange, chain",
    )
    s.add_argument("--no-store", action="store_true", help="keep no chunks (no resume)")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.set_defaults(func=lambda args: cmd_sensitivity(args, project(args)))


def cmd_sensitivity(args, project) -> int:
    claims = ledger.load(project.claims_file)
    folder = project.build / "sensitivity"
    n_solved = args.n if args.n_solved is None else args.n_solved
    base = f"n{args.n}" if n_solved == args.n else f"n{args.n}-solved{n_solved}"
    # one store per N for every model (a chunk is keyed by its model, code and samples)
    store = None if args.no_store else folder / f"chunks-{base}"
    tag = base + ("-" + "-".join(sorted(set(args.model))) if args.model else "")
    try:
        sensitivity.check_n_base(args.n)
        sensitivity.check_n_base(n_solved, "n-solved")
        res = sensitivity.analyse(
            args.n,
            scheduler=args.scheduler,
            store=store,
            progress=not args.no_progress,
            n_workers=args.workers,
            n_base_solved=n_solved,
            only=tuple(args.model) if args.model else None,
        )
    except (ParameterError, distribute.DistributeError) as exc:
        print(f"iece sensitivity: {exc}", file=sys.stderr)
        return 2
    j = sensitivity_verdicts.judge(res.parts, lambda table: verdicts.reading_map(claims, table))
    rows = []
    for v in j.verdicts:
        key = v.id.replace("-", "_")
        p = j.numbers[f"p_holds_{key}"]
        rows.append(
            {
                "id": v.id,
                "holds_at_paper_values": v.held,
                "p_holds": p.value,
                "p_holds_stderr": p.stderr,
                "qualifier": verdicts.qualifier(p.value, choices.ROBUST_PROBABILITY),
                "hinges_on": v.hinge,
                "hinges_on_ST": None if v.hinge == sensitivity_verdicts.NO_HINGE else v.hinge_ST,
            }
        )
    out = folder / f"{tag}.json"
    body = {
        "n_base": args.n,
        "n_base_solved": n_solved,
        "n_samples": res["n_samples"],
        "n_samples_by_model": {m: res[f"n_samples_{m}"] for m in res.parts},
        "verdicts": rows,
        "records": {k: n.value for k, n in (res.numbers | j.numbers).items()},
    }
    atomic_write_text(out, json.dumps(plain(body), indent=1, sort_keys=True) + "\n")
    width = max(len(r["id"]) for r in rows) if rows else 10
    counts = ", ".join(f"{res[f'n_samples_{m}']} {m}" for m in res.parts)
    print(f"{res['n_samples']} evaluations ({counts}; N = {args.n}, {n_solved}); per ledger entry:")
    print(f"{'entry':{width}s}  at paper  P(holds)        qualifier       hinges on")
    for r in rows:
        print(
            f"{r['id']:{width}s}  {'holds' if r['holds_at_paper_values'] else 'fails':8s}  "
            f"{r['p_holds']:.3f} ± {r['p_holds_stderr']:.3f}  {r['qualifier']:14s}  "
            f"{r['hinges_on']}"
        )
    print(f"written: {out}")
    return 0
