"""iece.io: the shared two-column reader and its error messages."""

import numpy as np
import pytest

from iece.io import DataFileError, read_two_columns


def write(tmp_path, text, name="d.txt"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_csv_with_header(tmp_path):
    x, y = read_two_columns(
        write(tmp_path, "wavelength,abs\n# comment\n400,0.5\n401,0.6\n402,0.7\n")
    )
    np.testing.assert_allclose(x, [400, 401, 402])
    np.testing.assert_allclose(y, [0.5, 0.6, 0.7])


def test_whitespace_and_tabs(tmp_path):
    x, y = read_two_columns(write(tmp_path, "t counts\n0.0\t5\n0.1  7\n0.2 9\n"))
    assert y.tolist() == [5, 7, 9]


@pytest.mark.parametrize(
    "text,needle",
    [
        ("a,b\n1,2\n2,3,4\n3,4\n", "line 3: expected 2 columns"),
        ("a,b\n1,2\n2,x\n3,4\n", "line 3: expected two numbers"),
        ("1\n2\n3\n", "line 1: expected 2 columns"),
        ("a,b\n1,2\n2,nan\n3,4\n", "line 3: non-finite"),
        ("a,b\n1,2\n", "at least 3"),
    ],
)
def test_malformed_files_name_the_line(tmp_path, text, needle):
    with pytest.raises(DataFileError, match=needle):
        read_two_columns(write(tmp_path, text))


def test_monotonic(tmp_path):
    p = write(tmp_path, "x y\n1 0\n2 0\n2 0\n3 0\n")
    with pytest.raises(DataFileError, match="line 4: first column must be strictly monotonic"):
        read_two_columns(p, monotonic=True)
    x, _ = read_two_columns(write(tmp_path, "3 0\n2 0\n1 0\n", "dec.txt"), monotonic=True)
    assert x[0] == 3


def test_y_min(tmp_path):
    with pytest.raises(DataFileError, match="line 3: second column must be >= 0"):
        read_two_columns(write(tmp_path, "t c\n0 1\n1 -2\n2 3\n"), y_min=0)


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="does not exist"):
        read_two_columns(tmp_path / "nope.csv", what="spectrum_path")


def test_project_root_accepts_a_pyproject_with_an_iece_table(tmp_path):
    """A project naming its own folders (``[tool.iece] notebooks = "nb"``) has no
    ``notebooks/`` and ``data/``: its ``pyproject.toml`` marks the root."""
    from iece.io import ProjectRootError, project_root

    (tmp_path / "nb").mkdir()
    with pytest.raises(ProjectRootError, match=r"notebooks/ and data/, or a pyproject.toml"):
        project_root(tmp_path / "nb")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no [tool.iece]
    with pytest.raises(ProjectRootError):
        project_root(tmp_path / "nb")
    (tmp_path / "pyproject.toml").write_text('[tool.iece]\nnotebooks = "nb"\n')
    assert project_root(tmp_path / "nb") == tmp_path.resolve()
