"""Parameters: declared once in the paper layer, checked before any run, kept equal to the
notebooks' parameter cells."""

import json

import papermill
import pytest

from iece.paper import choices
from iece.pipeline.figure import (
    FAST,
    Param,
    ParameterError,
    Params,
    choice,
    integer,
    number,
    optional,
)
from iece.pipeline.params import read_parameters
from iece.pipeline.runner import Project, discover

from .conftest import ROOT


def nb_with(tmp_path, source, module=None):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "source": source,
                "outputs": [],
                "execution_count": None,
                "id": "p",
            }
        ],
        "metadata": {"iece": {"id": "t", "module": module}} if module else {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(nb))
    return p


PS = Params(
    number("d_nm", 4.0, "diameter (nm)", 1, 10),
    integer("n", 3, "count", 1, 9),
    choice("mode", "a", "mode", ("a", "b")),
    optional("k", "auto or a count", 1, 12, integer=True),
    optional("g", "a gap", -1, 5),
    FAST,
)


def test_validate_converts_strings_and_values():
    given = {"d_nm": "2.5", "n": "4", "mode": "b", "fast": "true", "k": "none", "g": "-0.5"}
    assert PS.validate(given) == {
        "d_nm": 2.5,
        "n": 4,
        "mode": "b",
        "fast": True,
        "k": None,
        "g": -0.5,
    }
    assert PS.validate({"d_nm": 3, "k": 5.0}) == {"d_nm": 3.0, "k": 5}
    assert PS.resolve({"n": 2}) == PS.defaults() | {"n": 2}


@pytest.mark.parametrize(
    "param,value,needle",
    [
        (number("d", 1.0, "x", 0, 10), "11", "float in [0, 10]"),
        (number("d", 1.0, "x", 0, 10), "nan", "'d'"),
        (integer("n", 1, "x", 0, 9), "1.5", "'n'"),
        (Param("b", "bool", False, "x"), "maybe", "'b'"),
        (optional("k", "x", 1, 12, integer=True), "13", "int or None in [1, 12]"),
        (choice("m", "a", "x", ("a", "b")), "c", "one of a, b"),
        (Param("f", "path", None, "x"), "/no/such/file", "does not exist"),
    ],
)
def test_bad_values_name_parameter_and_allowed(param, value, needle):
    with pytest.raises(ParameterError, match=needle.replace("(", r"\(").replace("[", r"\[")):
        param.convert(value)


def test_unknown_name_lists_known():
    with pytest.raises(ParameterError, match="known parameters: d_nm, n, mode"):
        PS.validate({"b": "1"})


def test_help_with_equals_sign_is_refused():
    """papermill cannot parse 'name = value  # a = b': such help would break injection."""
    with pytest.raises(ValueError, match="must not contain '='"):
        number("x", 1.0, "None = automatic", 0, 2)


def test_paper_run_ignores_execution_settings():
    assert PS.is_paper_run(PS.defaults() | {"fast": True})
    assert not PS.is_paper_run(PS.defaults() | {"n": 2})


def test_choices_refer_to_the_library_tuple():
    from iece.paper import fig2eg

    assert fig2eg.PARAMS.by_name["outside"].choices == choices.OUTSIDE_MEDIA


@pytest.mark.parametrize("fid", sorted(discover(Project(ROOT))))  # every notebook
def test_every_notebook_cell_matches_its_declaration(fid):
    fig = discover(Project(ROOT))[fid]
    ps = read_parameters(fig.path)  # raises if the cell and the module disagree
    assert "fast" in ps and not ps.by_name["fast"].paper
    # papermill reads the same names ("Unable to parse line 7" and "Passed unknown parameter"
    # had been printed for fig2bd when it did not)
    assert set(papermill.inspect_notebook(str(fig.path))) == set(ps.by_name)


def test_drift_between_cell_and_module_is_an_error(tmp_path):
    cell = (
        "diameter_nm = 5.0\noutside = 'reference'\nx_points = 61\nsizing_path = None\nfast = False"
    )
    with pytest.raises(ParameterError, match="differs from iece.paper.fig2eg.PARAMS"):
        read_parameters(nb_with(tmp_path, cell, "iece.paper.fig2eg"))


def test_notebook_without_module_infers_types(tmp_path):
    ps = read_parameters(nb_with(tmp_path, "a = 1  # x\nb = 'u'\nc = None\nd = 2.0\ne = True"))
    assert {p.name: p.kind for p in ps} == {
        "a": "int",
        "b": "str",
        "c": "path",
        "d": "float",
        "e": "bool",
    }


def test_notebook_without_parameters_cell(tmp_path):
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with pytest.raises(ParameterError, match="no cell tagged"):
        read_parameters(p)


def test_a_notebook_passes_every_declared_parameter_through_pick():
    from iece.paper import fig2eg

    values = fig2eg.PARAMS.defaults() | {"unrelated": 1}
    assert fig2eg.PARAMS.pick(values) == fig2eg.PARAMS.defaults()
    del values["x_points"]
    with pytest.raises(ParameterError, match="not defined in the notebook: x_points"):
        fig2eg.PARAMS.pick(values)
