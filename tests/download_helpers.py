"""Downloads made on click (``st.download_button(data=callable)``) in AppTest runs.

AppTest does not fetch a deferred file when a button is clicked, so ``record_deferred``
records the callable each button registers with Streamlit's media file manager, keyed by the
file name; a test calls it exactly as the server does on a click and reads the bytes.
"""

from __future__ import annotations


def read_body(body) -> bytes:
    """The bytes of what a deferred download returns (bytes, text or an open file)."""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    try:
        return body.read()
    finally:
        body.close()


def record_deferred(monkeypatch) -> dict:
    """File name -> a function that makes the file (as a click would) and returns its bytes."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    seen: dict = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        seen[file_name] = lambda: read_body(data_callable())
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return seen


def xlsx_rows(data: bytes) -> tuple[list[str], list[tuple]]:
    """(header, rows) of the first sheet of an XLSX file, read with openpyxl."""
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [str(h) for h in rows[0]], rows[1:]
