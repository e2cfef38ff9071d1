"""The paper's views: one module per figure page, which draws its plots (matplotlib, style from
:mod:`iece.report.style`), formats its tables (:func:`iece.report.markdown.md_table`) and fills
its notes (a Jinja template per page, one macro per note, whose fields are the figure result's
record names, ``params`` and typed fields: :func:`iece.report.markdown.fill`).

A view solves nothing: every number it shows is in the typed result its figure's ``compute``
returned. Colours are paired with line styles and markers so every figure reads in grayscale.
"""
