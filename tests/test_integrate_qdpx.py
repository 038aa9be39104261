"""REFI-QDA export: the .qdpx validates against the REFI Project schema and round-trips; the .qdc is a
CodeBook with the same codes. The schema is read from /work/shared/refi-qda (never copied into the repo)."""
import copy
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

from upskilling.errors import InputError  # noqa: E402
from upskilling.integrate import inputs as io  # noqa: E402
from upskilling.integrate import qdpx  # noqa: E402

XSD = support.XSD_DIR / "Project-mrt2019.xsd"
needs_xsd = pytest.mark.skipif(not XSD.exists(), reason=f"REFI-QDA schema not present at {XSD}")


@pytest.fixture()
def exported(tmp_path):
    root = support.copy_project(tmp_path / "p")
    p = support.paths(root)
    out = root / "results/interviews"
    counts = qdpx.write(p["segments"], p["turns"], p["themes"], out / "codebook.qdc", out / "project.qdpx",
                        p["analysis"])
    return root, out / "codebook.qdc", out / "project.qdpx", counts


def schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


@needs_xsd
def test_project_validates_against_the_refi_schema(exported):
    _, _, path, _ = exported
    with zipfile.ZipFile(path) as z:
        doc = etree.fromstring(z.read("project.qde"))
    xsd = schema()
    assert xsd.validate(doc), xsd.error_log


@needs_xsd
def test_codebook_qdc_is_a_valid_codebook(exported):
    """The .qdc root is CodeBook in the codebook namespace; its Codes validate as a Project's CodeBook."""
    _, qdc, _, _ = exported
    book = etree.parse(str(qdc)).getroot()
    assert book.tag == f"{{{qdpx.CODEBOOK_NS}}}CodeBook" and book.get("origin")
    moved = copy.deepcopy(book)
    moved.attrib.pop("origin")  # the codebook schema's attribute; a Project's CodeBook has none
    text = etree.tostring(moved).decode().replace(qdpx.CODEBOOK_NS, qdpx.PROJECT_NS)
    project = etree.fromstring(f'<Project xmlns="{qdpx.PROJECT_NS}" name="qdc check">{text}</Project>')
    xsd = schema()
    assert xsd.validate(project), xsd.error_log


@needs_xsd
def test_schema_check_catches_a_broken_project(exported):
    """The validation above can fail: a selection without its required endPosition is rejected."""
    _, _, path, _ = exported
    with zipfile.ZipFile(path) as z:
        doc = etree.fromstring(z.read("project.qde"))
    sel = doc.find(".//{urn:QDA-XML:project:1.0}PlainTextSelection")
    del sel.attrib["endPosition"]
    assert not schema().validate(doc)


def test_round_trip_gives_the_same_codes_and_segment_counts(exported):
    root, qdc, path, counts = exported
    p = support.paths(root)
    seg = pd.read_csv(p["segments"])
    themes = qdpx.with_other(io.read_themes(p["themes"]))
    label = dict(zip(themes["theme"], themes["label"]))
    back = qdpx.read(path)
    codable = {g: n for g, n in back["codes"].items() if not n.startswith("C")}
    assert set(codable.values()) == set(label.values())
    got = back["selections"].groupby("code").size().sort_index()
    want = seg["theme"].map(label).value_counts().sort_index()
    pd.testing.assert_series_equal(got, want, check_names=False)
    assert counts == {"codes": len(themes), "sources": seg["participant_id"].nunique(), "selections": len(seg)}
    # codes are grouped under their claim
    assert back["parents"][qdpx.guid("code", "survival")].startswith("C1")
    # the .qdc holds the same codes
    qdc_names = {c.get("name") for c in etree.parse(str(qdc)).iter(f"{{{qdpx.CODEBOOK_NS}}}Code")}
    assert qdc_names == set(back["codes"].values())


def test_selections_point_at_the_redacted_segment_text(exported):
    root, _, path, _ = exported
    seg = pd.read_csv(support.paths(root)["segments"]).set_index("segment_id")
    back = qdpx.read(path)["selections"].set_index("name")
    assert len(back) == len(seg)
    for sid, r in back.iterrows():
        assert r["text"] == seg.loc[sid, "text"], sid
    # the redaction placeholder of the fixture reaches the source text, not the raw e-mail
    sources = qdpx.read(path)["sources"]
    assert "[EMAIL]" in sources["P03"] and "@" not in sources["P03"]
    assert sources["P01"].startswith("Interviewer: ")


def test_zip_layout_and_determinism(exported, tmp_path):
    root, qdc, path, _ = exported
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    assert names[0] == "project.qde"
    assert all(n == "project.qde" or (n.startswith("sources/") and n.endswith(".txt")) for n in names)
    p = support.paths(root)
    qdpx.write(p["segments"], p["turns"], p["themes"], tmp_path / "b.qdc", tmp_path / "b.qdpx", p["analysis"])
    assert (tmp_path / "b.qdpx").read_bytes() == path.read_bytes()
    assert (tmp_path / "b.qdc").read_bytes() == qdc.read_bytes()


def test_segment_not_in_its_turn_is_named(exported, tmp_path):
    root, _, _, _ = exported
    p = support.paths(root)
    seg = pd.read_csv(p["segments"])
    seg.loc[3, "text"] = "words nobody said"
    seg.to_csv(p["segments"], index=False)
    with pytest.raises(InputError, match=rf"segment {seg.loc[3, 'segment_id']}: its text is not at characters"):
        qdpx.write(p["segments"], p["turns"], p["themes"], tmp_path / "x.qdc", tmp_path / "x.qdpx",
                   p["analysis"])


def test_unknown_theme_is_named(exported, tmp_path):
    root, _, _, _ = exported
    p = support.paths(root)
    seg = pd.read_csv(p["segments"])
    seg.loc[0, "theme"] = "astrology"
    seg.to_csv(p["segments"], index=False)
    with pytest.raises(InputError, match=r"theme\(s\) \['astrology'\] are not in themes.yaml"):
        qdpx.write(p["segments"], p["turns"], p["themes"], tmp_path / "x.qdc", tmp_path / "x.qdpx",
                   p["analysis"])
