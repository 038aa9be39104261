"""The package's one text decoder (upskilling.textio.read_utf8)."""
import pytest

from upskilling.errors import InputError
from upskilling.textio import read_utf8


def test_bom_is_removed_and_text_kept(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfCaf\xc3\xa9\nline two\n")
    assert read_utf8(path, "fix it") == "Café\nline two\n"


def test_positions_count_from_the_start_of_the_file_bom_included(tmp_path):
    path = tmp_path / "b.txt"
    path.write_bytes(b"\xef\xbb\xbfok\nstill ok\nCaf\xe9\n")  # the bad byte is byte 18, on line 3
    with pytest.raises(InputError, match=r"b\.txt: line 3 \(byte 18\) is not UTF-8; re-save it$"):
        read_utf8(path, "re-save it")
    path.write_bytes("P01\n".encode("utf-16-le"))
    with pytest.raises(InputError, match=r"line 1 \(byte 1\) is a NUL byte \(a UTF-16 or binary file\?\); re-save it"):
        read_utf8(path, "re-save it")
