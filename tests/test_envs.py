"""The per-rule conda environments list the same packages, with the same specifiers, as pyproject."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].lower()


def _env_specs(path: Path) -> list[str]:
    env = yaml.safe_load(path.read_text())
    pip = [d for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    if len(pip) != 1:
        raise ValueError(f"{path}: expected one pip: block")
    return [s for s in pip[0]["pip"] if not s.startswith("-")]


ENV_FILES = sorted((ROOT / "envs").glob("*.yaml"))


def test_there_is_an_env_per_stage():
    assert {p.stem for p in ENV_FILES} >= {"survey", "interviews", "report"}


def test_every_env_spec_is_the_pyproject_spec():
    deps = {_name(d): d for d in _pyproject()["dependencies"]}
    for path in ENV_FILES:
        for spec in _env_specs(path):
            assert _name(spec) in deps, f"{path.name}: {spec} is not a dependency in pyproject.toml"
            assert spec == deps[_name(spec)], f"{path.name}: {spec} != pyproject's {deps[_name(spec)]}"


def test_every_pyproject_dependency_is_in_some_env():
    listed = {_name(s) for path in ENV_FILES for s in _env_specs(path)}
    missing = {_name(d) for d in _pyproject()["dependencies"]} - listed
    assert not missing, f"dependencies in pyproject.toml but in no envs/*.yaml: {sorted(missing)}"


def test_envs_use_the_supported_python():
    requires = _pyproject()["requires-python"]
    low = re.search(r">=\s*(\d+\.\d+)", requires).group(1)
    for path in ENV_FILES:
        env = yaml.safe_load(path.read_text())
        pythons = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
        assert pythons == [f"python={low}"], f"{path.name}: {pythons}"


def test_torch_is_pinned_to_the_cpu_build_version():
    deps = _pyproject()["dependencies"]
    assert "torch==2.13.0" in deps
