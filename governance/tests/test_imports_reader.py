"""The uploads are read with python-calamine (issue #23); the rows that come back are exactly what the
openpyxl reader gave: the same texts, row numbers, counts and errors. `_openpyxl_rows` is that reader,
kept here only as the reference."""
import io
import zipfile
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from governance import imports
from governance.imports import MAX_CELL_CHARS, RESIDENT_COLUMNS, RowError, _text

COLUMNS = [("编号", "number", True), ("金额", "amount", False), ("日期", "day", False), ("身份证号", "id", True),
           ("手机号", "phone", False), ("时间", "clock", False), ("备注", "note", False),
           ("附一", "extra1", False), ("附二", "extra2", False), ("附三", "extra3", False)]  # left empty: trailing columns


def _openpyxl_rows(data: bytes, columns):
    """The reader before issue #23, cell for cell (its header check, limits and messages)."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [_text(h) for h in next(rows, [])]
        if header[: len(columns)] != [str(h) for h, _k, _r in columns]:
            return [], 0, [RowError(1, "", "表头与模板不一致，请下载最新模板填写。")]
        out, count, errors = [], 0, []
        for index, values in enumerate(rows, start=2):
            if values is None or all(v in (None, "") for v in values):
                continue
            count += 1
            row = {}
            for i, (h, key, required) in enumerate(columns):
                text = _text(values[i]) if i < len(values) else ""
                if len(text) > MAX_CELL_CHARS:
                    errors.append(RowError(index, str(h), f"内容过长（超过 {MAX_CELL_CHARS} 个字符）。"))
                    text = ""
                elif required and not text:
                    errors.append(RowError(index, str(h), "必填。"))
                row[key] = text
            out.append((index, row))
        return out, count, errors
    finally:
        wb.close()


def _calamine_rows(data: bytes, columns):
    return imports._read_rows_unbounded(io.BytesIO(data), columns)  # what runs in the bounded child


def _workbook(rows, columns=COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([h for h, _k, _r in columns])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_numbers_dates_text_empty_rows_and_trailing_columns_read_as_openpyxl_read_them():
    wb = Workbook()
    ws = wb.active
    ws.append([h for h, _k, _r in COLUMNS])
    ws.append([42, 3.14, date(2020, 1, 2), "341122198001010011", 13800138000, time(12, 30), "  备注  "])
    ws.append([7.0, 0.1 + 0.2, datetime(2020, 1, 2, 3, 4, 5), 341122198001010, 13800138000.0, timedelta(hours=30),
               "第一行\n第二行"])
    ws.append([])  # an empty row in the middle: skipped, and the next keeps its spreadsheet row number
    ws.append(["00123", -0.0, 43831, "  ", "", None, True])
    ws.append([1e20, 1.5e-7, datetime(1900, 2, 28), "X", 12345678901234, None, "=1+1"])
    ws["J6"] = None
    ws["J6"].font = Font(bold=True)  # trailing columns: a formatted empty cell, an empty string
    ws["I3"] = ""
    for cell, fmt in (("A5", "yyyy-mm-dd"), ("B5", "0.00"), ("C5", "yyyy-mm-dd"), ("F3", "[h]:mm:ss")):
        ws[cell].number_format = fmt
    ws.cell(row=9, column=1, value=5)  # rows 7 and 8 absent from the XML altogether
    ws.cell(row=9, column=4, value="Y")
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()

    ours, theirs = _calamine_rows(data, COLUMNS), _openpyxl_rows(data, COLUMNS)
    assert ours == theirs
    rows, count, errors = ours
    assert count == 5 and [i for i, _r in rows] == [2, 3, 5, 6, 9]
    first, second = rows[0][1], rows[1][1]
    assert first == {"number": "42", "amount": "3.14", "day": "2020-01-02 00:00:00", "id": "341122198001010011",
                     "phone": "13800138000", "clock": "12:30:00", "note": "备注", "extra1": "", "extra2": "",
                     "extra3": ""}
    assert second["number"] == "7" and second["id"] == "341122198001010" and second["phone"] == "13800138000"
    assert second["day"] == "2020-01-02 03:04:05" and second["clock"] == "1 day, 6:00:00"
    assert rows[2][1]["number"] == "00123" and rows[2][1]["day"] == "2020-01-01 00:00:00"  # a serial as a date
    assert errors == [RowError(5, "身份证号", "必填。")]


def _raw_sheet(sheet_data: str) -> bytes:
    """A template workbook whose first sheet's <sheetData> is `sheet_data`, as other tools write it."""
    template = _workbook([])
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           + sheet_data + "</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, xml if name == "xl/worksheets/sheet1.xml" else src.read(name))
    return out.getvalue()


def _header_xml(columns=COLUMNS) -> str:
    return '<row r="1">' + "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                                   for i, (h, _k, _r) in enumerate(columns)) + "</row>"


def test_error_cells_and_integers_beyond_a_float_come_from_the_xml_as_openpyxl_gave_them():
    data = _raw_sheet(
        _header_xml()
        + '<row r="2"><c r="A2"><v>123456789012345678</v></c><c r="B2" t="e"><v>#DIV/0!</v></c>'
          '<c r="D2" t="n"><v>341122198001010011</v></c><c r="E2"><v>3.4112219800101E+17</v></c>'
          '<c r="F2"><v>-9007199254740993</v></c></row>'
        + '<row r="4"><c r="A4" t="str"><f>B4</f><v>公式</v></c><c r="D4" t="e"><f>1/0</f><v>#N/A</v></c></row>'
        + '<row><c><v>9007199254740993</v></c><c t="inlineStr"><is><t>无坐标</t></is></c>'
          '<c></c><c t="e"><v>#REF!</v></c></row>')
    ours = _calamine_rows(data, COLUMNS)
    assert ours == _openpyxl_rows(data, COLUMNS)
    rows = dict(ours[0])
    assert rows[2]["number"] == "123456789012345678" and rows[2]["amount"] == "#DIV/0!"
    assert rows[2]["id"] == "341122198001010011" and rows[2]["clock"] == "-9007199254740993"
    assert rows[4] == {**rows[4], "number": "公式", "id": "#N/A"}
    assert rows[5]["number"] == "9007199254740993" and rows[5]["amount"] == "无坐标" and rows[5]["id"] == "#REF!"


@pytest.mark.parametrize("sheet_data", [
    "",  # an empty sheet
    _header_xml().replace('1"', '2"'),  # the header one row down
    '<row r="1">' + "".join(f'<c r="{chr(66 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                            for i, (h, _k, _r) in enumerate(COLUMNS)) + "</row>",  # one column to the right
], ids=["empty", "row-2", "column-B"])
def test_a_header_not_where_the_template_has_it_is_refused_as_before(sheet_data):
    data = _raw_sheet(sheet_data)
    assert _calamine_rows(data, COLUMNS) == _openpyxl_rows(data, COLUMNS)
    assert _calamine_rows(data, COLUMNS)[2] == [RowError(1, "", "表头与模板不一致，请下载最新模板填写。")]


def test_long_cells_required_cells_and_extra_columns_give_the_same_errors():
    long = "长" * (MAX_CELL_CHARS + 1)
    data = _workbook([[long, "", "", "", "", "", "", "", "", ""], ["", None, None, "X"], [1, 2, 3, long]])
    ours = _calamine_rows(data, COLUMNS)
    assert ours == _openpyxl_rows(data, COLUMNS)
    assert [(e.row, e.column) for e in ours[2]] == [(2, "编号"), (2, "身份证号"), (3, "编号"), (4, "身份证号")]


def test_the_template_itself_reads_as_it_did(tmp_path):
    path = tmp_path / "t.xlsx"
    imports.write_template(imports.RESIDENTS, path)
    data = path.read_bytes()
    ours = _calamine_rows(data, RESIDENT_COLUMNS)
    assert ours == _openpyxl_rows(data, RESIDENT_COLUMNS) and ours[1] == 1
    assert ours[0][0][1]["phone"] == "13800138000" and ours[0][0][1]["id_number"] == "34112219800101001X"


def test_a_column_beyond_the_template_is_still_refused_before_reading():
    data = _workbook([[1, "", "", "X", "", "", "", "", "", "", "多余的列"]])
    with pytest.raises(imports.Refused, match="文件有 11 列，模板只有 10 列"):
        _calamine_rows(data, COLUMNS)


def test_a_sheet_spanning_a_huge_area_is_refused_at_the_memory_bound_not_read():
    """No <dimension>, one cell in column XFD of row 200,000: calamine's dense range would be 100 GB."""
    data = _raw_sheet(_header_xml(RESIDENT_COLUMNS) + '<row r="200000"><c r="XFD200000"><v>1</v></c></row>')
    with pytest.raises(imports.Refused, match="超出了允许的内存或时间"):
        imports.read_rows(io.BytesIO(data), RESIDENT_COLUMNS, imports.Parsed())
