"""iece: a reproducible check of Lee & Smith, interdiffusion-enhanced cation exchange (IE-CE).

Notebooks use :func:`record` and :func:`save_figure`; the physics lives in the modules
``materials``, ``ema``, ``kinetics``, ``spectra``, ``lifetimes``, ``literature`` and ``checks``.
"""

from .record import record, save_figure

__all__ = ["record", "save_figure"]
__version__ = "0.1.0"
