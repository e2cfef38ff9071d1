"""``iece ema``: placeholder until the EMA engine lands."""


def add_parser(sub) -> None:
    return None
