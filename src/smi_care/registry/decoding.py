"""Telling a CSV file's encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GB18030) and
finding the lines that decode in none, so every other line keeps its number."""

from __future__ import annotations

import re

from smi_care.registry.problems import Problem, RegistryReadError
from smi_care.registry.raw import ENCODING


def decode(file: str, data: bytes, encoding: str | None) -> tuple[str, str, list[tuple[int, str]], list[Problem]]:
    """The text of a file, the encoding used, the lines that could not be decoded (line number,
    reason) and any notice. Lines that cannot be decoded are replaced by empty lines, so every
    other line keeps its number."""
    notices: list[Problem] = []
    if encoding is None and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # Excel's "Unicode text" and some exports: the BOM says so
    if encoding is None:
        try:
            text = data.decode("utf-8")
            if text.startswith("\ufeff"):
                return text[1:], "utf-8-sig", [], notices
            return text, "utf-8", [], notices
        except UnicodeDecodeError:
            pass
        mixed = _mostly_utf8(data)
        if mixed is not None:
            return mixed
        try:
            text = data.decode("gb18030")
            notices.append(Problem(file, 0, "", "", "is not valid UTF-8; it was read as GB18030 (GBK), "
                                   "the encoding Excel uses on a Chinese Windows machine", ENCODING, rejected=False))
            return text, "gb18030", [], notices
        except UnicodeDecodeError:
            pass
    else:
        try:
            text = data.decode(encoding)
            if text.startswith("\ufeff"):
                text = text[1:]
            return text, encoding, [], notices
        except UnicodeDecodeError:
            pass
        except LookupError:
            raise RegistryReadError(Problem(file, 0, "", encoding, "is not an encoding Python knows",
                                            "bad_file")) from None
    # Some lines are not valid in any encoding tried: decode line by line (a newline byte never
    # occurs inside a UTF-8 or GB18030 character) and give up only the lines that fail.
    raw_lines = data.split(b"\n")
    candidates = [encoding] if encoding else ["utf-8", "gb18030"]
    best: tuple[int, str] | None = None
    for enc in candidates:
        failures = 0
        for b in raw_lines:
            try:
                b.decode(enc)
            except UnicodeDecodeError:
                failures += 1
        if best is None or failures < best[0]:
            best = (failures, enc)
    assert best is not None
    chosen = best[1]
    bad: list[tuple[int, str]] = []
    out: list[str] = []
    for i, b in enumerate(raw_lines):
        try:
            out.append(b.decode(chosen))
        except UnicodeDecodeError as exc:
            bad.append((i + 1, f"has a byte that is not valid {chosen.upper()} (byte {exc.start + 1} of the line); "
                               "this row was not loaded"))
            out.append("")
    text = "\n".join(out)
    if text.startswith("\ufeff"):
        text = text[1:]
        chosen = "utf-8-sig" if chosen == "utf-8" else chosen
    if chosen == "gb18030" and encoding is None:
        notices.append(Problem(file, 0, "", "", "is not valid UTF-8; it was read as GB18030 (GBK), "
                               "the encoding Excel uses on a Chinese Windows machine", ENCODING, rejected=False))
    return text, chosen, bad, notices


#: A file whose lines are valid UTF-8 but for at most this share is UTF-8 with a few bad rows
#: (rejected one by one); more, and it is read as GB18030 (an Excel-saved file).
MIXED_SHARE = 0.05


def _mostly_utf8(data: bytes) -> tuple[str, str, list[tuple[int, str]], list[Problem]] | None:
    """A UTF-8 file with a few rows in another encoding (one GBK row pasted into a UTF-8 file):
    the text with those lines emptied (so every line keeps its number) and each bad line with its
    reason; None when the header is not UTF-8 or more than :data:`MIXED_SHARE` of the lines are
    not (the whole file is then another encoding). One decoding pass: bad bytes become lone
    surrogates, and the lines holding one are found by a regular expression."""
    text = data.decode("utf-8", errors="surrogateescape")
    bad_at = [m.start() for m in _SURROGATE.finditer(text)]
    first_nl = text.find("\n")
    if not bad_at or (first_nl >= 0 and bad_at[0] < first_nl) or first_nl < 0:
        return None
    limit = max(1, int(MIXED_SHARE * (text.count("\n") + 1)))
    bad_lines = _bad_line_numbers(text, bad_at, limit)
    if bad_lines is None:
        return None
    lines = text.split("\n")
    bad: list[tuple[int, str]] = []
    for number in bad_lines:
        raw_line = lines[number - 1].encode("utf-8", errors="surrogateescape")
        try:
            raw_line.decode("gb18030")
            also = "; it reads as GB18030 (GBK), so it was probably pasted from a file saved by Excel"
        except UnicodeDecodeError:
            also = ""
        bad.append((number, f"has bytes that are not valid UTF-8, the encoding of the rest of the file{also}; "
                            "this row was not loaded (re-save the file as CSV UTF-8)"))
        lines[number - 1] = ""
    out = "\n".join(lines)
    if out.startswith("\ufeff"):
        return out[1:], "utf-8-sig", bad, []
    return out, "utf-8", bad, []


_SURROGATE = re.compile("[\udc80-\udcff]")


def _bad_line_numbers(text: str, positions: list[int], limit: int) -> list[int] | None:
    """The numbers of the lines holding ``positions`` (sorted), in one walk; None past ``limit``."""
    out: list[int] = []
    line, pos, end = 1, 0, -1
    for at in positions:
        if at <= end:
            continue
        line += text.count("\n", pos, at)
        pos = at
        out.append(line)
        if len(out) > limit:
            return None
        nl = text.find("\n", at)
        end = len(text) if nl < 0 else nl
    return out
