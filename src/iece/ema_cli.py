"""``iece ema``: one effective-mass calculation from the command line."""

from __future__ import annotations

import json
import sys

from . import ema


def cmd_ema(args) -> int:
    try:
        build = ema.alloy if args.structure == "alloy" else ema.core_shell
        res = ema.solve(build(args.diameter_nm, args.x), args.outside)
    except ValueError as exc:  # includes NoBoundState
        print(f"iece ema: {exc}", file=sys.stderr)
        return 2
    out = res.as_dict()
    if args.json:
        print(json.dumps(out))
    else:
        print(
            f"{args.structure}, diameter {args.diameter_nm:g} nm, x = {args.x:g}, "
            f"outside medium {res.outside.name} ({res.outside.note})"
        )
        labels = {
            "energy_eV": "1S-1S energy (eV)",
            "electron_eV": "electron level (eV, common frame)",
            "hole_eV": "hole level (eV, common frame)",
            "coulomb_eV": "Coulomb term (eV)",
            "overlap": "overlap (Eq. 2)",
            "surface_fraction_e": "surface electron fraction (Eq. 3)",
        }
        for k, v in out.items():
            print(f"  {labels[k]:36s} {v:.4f}")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("ema", help="1S-1S energy, overlap and surface fraction of one NC")
    p.add_argument("--diameter-nm", type=float, required=True, help="NC diameter (nm), > 0")
    p.add_argument("--x", type=float, required=True, help="total Hg fraction, 0 <= x <= 1")
    p.add_argument("--structure", choices=("alloy", "core-shell"), default="alloy")
    p.add_argument(
        "--outside",
        choices=ema.PRESETS,
        default="reference",
        help="outside medium (default: reference, the literal reading)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=cmd_ema)
