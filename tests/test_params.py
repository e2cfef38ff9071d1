"""iece.params: reading the tagged parameters cell and checking values before any run."""

import json

import pytest

from iece.params import Parameter, ParameterError, read_parameters, validate


def nb_with(tmp_path, source):
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
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(nb))
    return p


def test_types_help_ranges_and_choices(tmp_path):
    ps = read_parameters(
        nb_with(
            tmp_path,
            (
                "d_nm = 4.0  # diameter (nm) [1, 10]\n"
                "n = 3  # count [1, 9]\n"
                'mode = "a"  # mode {a|b}\n'
                "flag = False  # a switch\n"
                "path = None  # a file\n"
                "k = None  # integer; None = auto [1, 12]\n"
                "g = None  # a gap [-1, 5]\n"
            ),
        )
    )
    assert {k: p.type for k, p in ps.items()} == {
        "d_nm": "float",
        "n": "int",
        "mode": "str",
        "flag": "bool",
        "path": "path",
        "k": "int?",
        "g": "float?",
    }
    assert ps["d_nm"].help == "diameter (nm) [1, 10]"
    assert validate(
        ps, {"d_nm": "2.5", "n": "4", "mode": "b", "flag": "true", "k": "none", "g": "-0.5"}
    ) == {"d_nm": 2.5, "n": 4, "mode": "b", "flag": True, "k": None, "g": -0.5}


@pytest.mark.parametrize(
    "param,value,needle",
    [
        (Parameter("d", "float", 1.0, "x (0, 10]"), "0", "float in (0, 10]"),
        (Parameter("d", "float", 1.0, "x [0, 10]"), "nan", "d"),
        (Parameter("n", "int", 1, "x"), "1.5", "'n'"),
        (Parameter("b", "bool", False, "x"), "maybe", "'b'"),
        (Parameter("k", "int?", None, "integer [1, 12]"), "13", "int or None in [1, 12]"),
        (Parameter("m", "str", "a", "x {a|b}"), "c", "one of a, b"),
    ],
)
def test_bad_values(param, value, needle):
    with pytest.raises(ParameterError, match=needle.replace("(", r"\(").replace("[", r"\[")):
        param.convert(value)


def test_unknown_name_lists_known(tmp_path):
    ps = read_parameters(nb_with(tmp_path, "a = 1  # x\n"))
    with pytest.raises(ParameterError, match="known parameters: a"):
        validate(ps, {"b": "1"})


def test_notebook_without_parameters_cell(tmp_path):
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with pytest.raises(ParameterError, match="no cell tagged"):
        read_parameters(p)
