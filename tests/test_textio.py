"""The package's one text decoder (upskilling.textio.read_utf8) and, built on it, its one YAML reader, JSON
reader and JSON writer."""
from pathlib import Path

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


# --- the package's one YAML reader, JSON reader and JSON writer (upskilling.textio) --------------------

def test_one_yaml_reader_importable_from_config():
    from upskilling import config, textio
    from upskilling.integrate import inputs

    assert config.read_yaml is textio.read_yaml  # one definition, re-exported for its many callers
    assert inputs.read_json is textio.read_json


def test_read_yaml_one_line_errors(tmp_path):
    from upskilling.textio import read_yaml

    twice = tmp_path / "twice.yaml"
    twice.write_text("a: 1\nb: 2\na: 3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"twice\.yaml: line 3, column 1: key 'a' appears twice in one mapping "
                                         r"\(also line 1;"):
        read_yaml(twice)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"label: Caf\xe9\n")
    with pytest.raises(InputError, match=r"latin\.yaml: line 1 \(byte 10\) is not UTF-8; re-save the file as UTF-8"):
        read_yaml(latin)
    with pytest.raises(InputError, match=r"nope\.yaml: file not found"):
        read_yaml(tmp_path / "nope.yaml")


def test_read_json_messages_name_file_line_and_column(tmp_path):
    from upskilling.textio import read_json

    with pytest.raises(InputError, match=r"^.*nope\.json: file not found; run the stage that writes it first$"):
        read_json(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "a": 1,\n  "b": \n}\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_json(bad)
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(f"{bad}: line 4, column 1: invalid JSON (Expecting value)")
    assert msg.endswith("; rerun the stage that writes it")
    bom = tmp_path / "bom.json"
    bom.write_bytes(b'\xef\xbb\xbf{"caf\xc3\xa9": [1, null]}')
    assert read_json(bom) == {"café": [1, None]}
    bom.write_bytes(b'{"a": "Caf\xe9"}')
    with pytest.raises(InputError, match=r"bom\.json: line 1 \(byte 10\) is not UTF-8"):
        read_json(bom)


def test_write_json_canonical_format(tmp_path):
    import numpy as np

    from upskilling.textio import json_text, write_json

    obj = {"z": float("nan"), "a": [np.float64("nan"), np.float32(0.5), np.int64(3), np.bool_(True), (1, 2)],
           "arr": np.array([[1.0, np.nan]]), "text": "Café"}
    path = tmp_path / "sub" / "out.json"
    write_json(obj, path)  # parent folder created
    assert path.read_bytes() == (b'{\n  "z": null,\n  "a": [\n    null,\n    0.5,\n    3,\n    true,\n    [\n      1,\n'
                                 b'      2\n    ]\n  ],\n  "arr": [\n    [\n      1.0,\n      null\n    ]\n  ],\n'
                                 b'  "text": "Caf\\u00e9"\n}\n')
    write_json({"b": "Café", "a": 1}, path, sort_keys=True, ensure_ascii=False)
    assert path.read_bytes() == '{\n  "a": 1,\n  "b": "Café"\n}\n'.encode()
    assert json_text({"b": [1, float("nan")], "a": "é"}) == '{"b": [1, null], "a": "\\u00e9"}'  # one line
    with pytest.raises(ValueError):
        json_text({"x": float("inf")})  # not JSON
    with pytest.raises(TypeError, match="not JSON serialisable: .*Path"):
        json_text({"p": tmp_path})
    assert json_text({"p": Path("a/b")}, default=str) == '{"p": "a/b"}'


@pytest.mark.parametrize("options, old", [
    ({}, dict(indent=2)),  # interviews.steps.write_json before issue 13
    ({"sort_keys": True, "default": str}, dict(indent=2, sort_keys=True, default=str)),  # provenance.write
    ({"sort_keys": True, "ensure_ascii": False}, dict(indent=2, sort_keys=True, ensure_ascii=False)),  # generate
])
def test_write_json_bytes_as_the_writers_it_replaced(tmp_path, options, old):
    """The files of the writers that became write_json keep their bytes (objects without NaN: before, the
    provenance and truth writers wrote NaN as the invalid token NaN, the interview writer as null)."""
    import json

    import numpy as np

    from upskilling.textio import write_json

    obj = {"seeds": {"master": 7, "list": [3, 1]}, "f": [0.1 + 0.2, 1e-300, np.float64(2.5)], "none": None,
           "text": "Café – “quoted” 日本", "nested": [{"b": True, "a": []}, {}], "path": "x/y"}
    if "default" in options:
        obj["path"] = Path("x/y")
    write_json(obj, tmp_path / "new.json", **options)
    assert (tmp_path / "new.json").read_bytes() == (json.dumps(obj, **old) + "\n").encode("utf-8")
