"""CSV exports for spreadsheet users: UTF-8 with BOM, formula injection neutralised."""
import csv
import io

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_lines(header, rows):
    """Yield CSV text chunk by chunk (a streamed response keeps memory flat)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe_cell(h) for h in header])
    yield BOM + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(v) for v in row])
        yield buffer.getvalue()


MAX_UPLOAD_BYTES = 2 * 1024 * 1024
TOO_LARGE = "Le fichier dépasse 2 Mo."


def read_upload(file, max_bytes=MAX_UPLOAD_BYTES):
    """An uploaded CSV's text, or None when it is larger than `max_bytes` (TOO_LARGE says so).

    UTF-8 (with or without BOM) as spreadsheets export it, else Windows-1252 (Excel's « CSV » in French)."""
    raw = file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")
