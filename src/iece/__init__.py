"""iece: a reproducible check of Lee & Smith, interdiffusion-enhanced cation exchange (IE-CE).

Layers (each imports only those above it in this list): :mod:`iece.physics` (pure models),
:mod:`iece.io` (user-file readers), :mod:`iece.paper` (the paper's numbers and one function per
figure), :mod:`iece.pipeline` (parameters, runner, records, results format, ledger),
:mod:`iece.report` (pages, plots, index) and :mod:`iece.cli`. See ARCHITECTURE.md.

Notebooks use :func:`record_all`, :func:`record`, :func:`save_figure` and :func:`save_table`
(a table the pipeline judges against the ledger after the run), and
:func:`project_root` for a path inside the checkout (a kernel in Jupyter runs in ``notebooks/``,
one under ``iece run`` in the root).
"""

from .io import project_root
from .pipeline.record import record, record_all, save_figure
from .pipeline.tables import save_table

__all__ = ["project_root", "record", "record_all", "save_figure", "save_table"]
__version__ = "0.2.0"
