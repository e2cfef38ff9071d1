"""Readers against files as instruments and spreadsheets write them (issue 22 item 4): small
imitations in tests/fixtures/exports/ of a spectrometer CSV with a metadata header, a TCSPC
export with a preamble (and one that holds counts alone), and Excel CSVs saved with decimal
commas. Each is read correctly or refused with its line and a hint; none is guessed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iece import io
from iece.physics.constants import HC_EV_NM

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def _rows(name: str, first_data_line: int) -> np.ndarray:
    """The fixture's numeric rows, read independently of iece.io."""
    lines = (EXPORTS / name).read_text().splitlines()[first_data_line - 1 :]
    return np.array([[float(v) for v in line.split(",")] for line in lines])


def test_a_spectrometer_csv_with_a_metadata_header_is_read():
    E, A = io.read_spectrum(EXPORTS / "spectrometer_metadata.csv")
    want = _rows("spectrometer_metadata.csv", 14)
    assert E.size == 24 == want.shape[0]
    np.testing.assert_allclose(E, np.sort(HC_EV_NM / want[:, 0]))
    np.testing.assert_allclose(A, want[::-1, 1])  # energy increases as wavelength falls


def test_a_tcspc_export_with_a_preamble_is_read():
    t, counts, irf = io.read_decay(EXPORTS / "tcspc_preamble.csv")
    want = _rows("tcspc_preamble.csv", 10)
    assert irf is None and t.size == 256
    np.testing.assert_array_equal(t, want[:, 0])
    np.testing.assert_array_equal(counts, want[:, 1])


def test_a_tcspc_export_of_counts_alone_is_refused_with_its_first_line():
    with pytest.raises(io.DataFileError) as err:
        io.read_decay(EXPORTS / "tcspc_one_column.dat")
    msg = str(err.value)
    assert "tcspc_one_column.dat, line 3" in msg and "found 1" in msg
    assert "time (ns) and counts" in msg


def test_an_excel_csv_with_decimal_commas_is_refused_with_a_hint():
    with pytest.raises(io.DataFileError) as err:
        io.read_spectrum(EXPORTS / "excel_decimal_comma_semicolon.csv")
    msg = str(err.value)
    assert "line 2" in msg and "decimal commas?" in msg


def test_30_0_5_under_a_two_column_header_is_refused_not_read_as_x_0():
    with pytest.raises(io.DataFileError) as err:
        io.read_composition(EXPORTS / "excel_decimal_comma_composition.csv")
    msg = str(err.value)
    assert "line 3" in msg and "'30,0,5'" in msg and "header (line 1) names 2" in msg
    assert "decimal commas?" in msg


@pytest.mark.parametrize(
    "text, line, hint",
    [
        ("wavelength_nm,absorbance\n500,0.1\n510,0,2\n520,0.3\n", 3, "decimal commas?"),
        ("time_ns,counts,channel\n0,1,1\n1,2,2\n2,3,3\n", 2, "names 3 columns"),
        ("a,b\n1,2\n2,3,\n3,4\n", None, None),  # a trailing comma is no extra field
    ],
)
def test_rows_must_have_as_many_fields_as_the_header(tmp_path, text, line, hint):
    f = tmp_path / "f.csv"
    f.write_text(text)
    if line is None:
        x, y = io.read_two_columns(f)
        np.testing.assert_array_equal(x, [1, 2, 3])
        return
    with pytest.raises(io.DataFileError) as err:
        io.read_two_columns(f)
    assert f"line {line}" in str(err.value) and hint in str(err.value)


def test_a_metadata_line_is_not_taken_for_the_column_header(tmp_path):
    """``Integration time (ms),100,avg`` holds a number: a metadata line, not column names,
    so two-column rows under it are read."""
    f = tmp_path / "f.csv"
    f.write_text("Integration time (ms),100,avg\n1,2\n2,3\n3,4\n")
    x, y = io.read_two_columns(f)
    np.testing.assert_array_equal(y, [2, 3, 4])


@pytest.mark.parametrize("row", ["30,0,5", "30,0.5,", "30,0.5,1"])
def test_composition_rows_are_checked_against_the_header(tmp_path, row):
    f = tmp_path / "c.csv"
    f.write_text(f"time_min,x\n0,0\n{row}\n60,0.6\n120,0.7\n")
    if row == "30,0.5,":  # a trailing separator
        t, x = io.read_composition(f)
        np.testing.assert_array_equal(x, [0, 0.5, 0.6, 0.7])
        return
    with pytest.raises(io.DataFileError, match="line 3"):
        io.read_composition(f)
