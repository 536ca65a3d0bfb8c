"""Which text encoding an upload uses, and whether its lines are sane, in bounded memory.

Strict UTF-8 (with or without BOM) first, UTF-16 (with a BOM, or without one when every
other byte of the start is zero), then GB18030/GBK. A file mixing UTF-8 and another
encoding is refused naming the first line of each. ``check_lines`` refuses a line
longer than the cap (a 200 MB field or line of commas) after reading it once, in blocks.
"""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path
from typing import BinaryIO

from supply.ingest.files import MAX_LINE_BYTES, IngestError

_CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_ODD = re.compile("[\u0080-\u009f\u0250-\u07ff]")
BLOCK = 1 << 22


def utf16_kind(head: bytes) -> str | None:
    """'utf-16' (BOM), 'utf-16-le' or 'utf-16-be' (no BOM, told by the zero bytes), or None.

    Text written as UTF-16 without a BOM (some Excel and Windows exports) has a zero
    byte in every other position for ASCII and digits; read as GB18030 it looks like
    one long header with no data, so it is recognised here first.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sum(1 for b in sample[0 : 2 * pairs : 2] if b == 0)
    odd = sum(1 for b in sample[1 : 2 * pairs : 2] if b == 0)
    if odd > 0.4 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.4 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None


def _gbk_lookalike(line: bytes, text: str) -> bool:
    """True when a line that decodes as UTF-8 is really GBK text that happens to decode.

    GBK Chinese read as UTF-8 gives C1 controls or IPA/Greek/Cyrillic/Hebrew/Arabic
    letters (U+0080..U+009F, U+0250..U+07FF), never CJK; real text in our files has none.
    """
    if not _ODD.search(text) or _CJK.search(text):
        return False
    try:
        return bool(_CJK.search(line.decode("gb18030")))
    except UnicodeDecodeError:
        return False


def _line_encodings(data: bytes) -> tuple[list[int], list[int]]:
    """Line numbers (1-based) that are Chinese UTF-8, and lines in another encoding."""
    utf8, other = [], []
    for i, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(i)
            continue
        (other if _gbk_lookalike(line, text) else utf8).append(i)
    return utf8, other


def _check_utf16(data: bytes, enc: str) -> str:
    try:
        data.decode(enc)
    except UnicodeDecodeError as exc:
        raise IngestError("bad_encoding", row=data[: exc.start].count(b"\n\x00") + 1) from None
    return enc


def detect_encoding(data: bytes) -> str:
    """'utf-8-sig', 'utf-8', 'utf-16[-le|-be]' or 'gb18030' for an upload held in memory.

    A file with some lines in UTF-8 and others in another encoding is refused, naming
    the first line of each, and so is a file that is neither. A short GBK file that
    happens to be valid UTF-8 is recognised by what its UTF-8 reading looks like.
    """
    wide = utf16_kind(data[:4096])
    if wide:
        return _check_utf16(data, wide)
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if bom else data
    try:
        text = body.decode("utf-8")
        if not _ODD.search(text):
            return "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    utf8, other = _line_encodings(body)
    if other and (utf8 or bom):
        raise IngestError("mixed_encoding", utf8_row=utf8[0] if utf8 else 1, other_row=other[0])
    if not other:
        return "utf-8-sig" if bom else "utf-8"
    try:
        body.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise IngestError("bad_encoding", row=line) from None


def _decode_all(path: Path, enc: str, skip: int = 0) -> int | None:
    """None when the whole file decodes as ``enc``, else the line where it first fails."""
    dec = codecs.getincrementaldecoder(enc)("strict")
    line = 1
    with open(path, "rb") as fh:
        fh.seek(skip)
        for chunk in iter(lambda: fh.read(BLOCK), b""):
            try:
                dec.decode(chunk)
            except UnicodeDecodeError as exc:
                return line + chunk[: exc.start].count(b"\n")
            line += chunk.count(b"\n")
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return line
    return None


def detect_encoding_path(path: Path) -> str:
    """Like ``detect_encoding`` for a file on disk, decoding it in blocks (bounded memory)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    wide = utf16_kind(head)
    if wide:
        bad = _decode_all(path, wide)
        if bad is not None:
            raise IngestError("bad_encoding", row=bad)
        return wide
    bom = head.startswith(codecs.BOM_UTF8)
    if _decode_all(path, "utf-8", 3 if bom else 0) is None:
        return "utf-8-sig" if bom else "utf-8"
    if path.stat().st_size <= 256 * 1024 * 1024:
        return detect_encoding(path.read_bytes())
    bad = _decode_all(path, "gb18030")
    if bad is not None:
        raise IngestError("bad_encoding", row=bad)
    return "gb18030"


def check_lines(fh: BinaryIO, limit: int = MAX_LINE_BYTES) -> int:
    """Read a file once in blocks; IngestError ``line_too_long`` naming the first line over ``limit``.

    Returns the number of lines. Memory stays at one block whatever the file holds (a
    single 200 MB line of commas or one 200 MB field is refused when its first
    ``limit`` bytes have been seen, not after it was parsed).
    """
    line, run = 1, 0
    for chunk in iter(lambda: fh.read(BLOCK), b""):
        parts = chunk.split(b"\n")
        lengths = [len(p) for p in parts]
        lengths[0] += run
        longest = max(lengths[:-1] or [0])
        if longest > limit or lengths[-1] > limit:
            at = next(i for i, n in enumerate(lengths) if n > limit)
            raise IngestError("line_too_long", row=line + at, limit=f"{limit:,}")
        line += len(parts) - 1
        run = lengths[-1]
    return line


def check_lines_bytes(data: bytes, limit: int = MAX_LINE_BYTES) -> int:
    """``check_lines`` for an upload held in memory."""
    return check_lines(io.BytesIO(data), limit)


def utf8_copy(path: Path, encoding: str, directory: Path) -> Path:
    """A UTF-8 copy of a GB18030 or UTF-16 file, transcoded in blocks, for the native reader."""
    out = directory / "upload-utf8.csv"
    with (
        open(path, encoding=encoding, newline="") as src,
        open(out, "w", encoding="utf-8", newline="") as dst,
    ):
        while block := src.read(BLOCK):
            dst.write(block)
    return out
