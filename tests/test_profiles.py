"""Scale-out through Snakemake (issue 12): the SLURM profile's dry run plans the embedding as
scatter/gather shards with the cluster resources of the heavy rules, and the shard count is config."""
from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT, copy_repo, run_snakemake

pytest.importorskip("snakemake_executor_plugin_slurm", reason="SLURM executor plugin not installed (.[cluster])")


def _jobs(stdout: str) -> dict:
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", stdout, re.MULTILINE)}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return copy_repo(tmp_path_factory.mktemp("profiles") / "repo")


def test_slurm_profile_dry_run_plans_the_sharded_embedding(repo):
    shards = yaml.safe_load((ROOT / "profiles/slurm/cluster.yaml").read_text())["interviews"]["embedding"]["shards"]
    assert shards > 1
    proc = run_snakemake(repo, "--profile", "profiles/slurm", "-n")
    out = proc.stdout + proc.stderr
    assert "Using profiles profiles/slurm" in out
    jobs = _jobs(out)
    assert jobs["interviews_embed_shard"] == shards and jobs["interviews_embed"] == 1
    shard_items = sorted(set(re.findall(r"scatteritem=(\d+-of-\d+)", out)), key=lambda s: int(s.split("-")[0]))
    assert shard_items == [f"{i}-of-{shards}" for i in range(1, shards + 1)]
    # every heavy rule carries memory and runtime for the cluster, and the account/partition defaults
    for rule in ("interviews_embed_shard", "interviews_topics", "interviews_stability", "interviews_code"):
        block = out[out.index(f"rule {rule}:"):]
        resources = block[block.index("resources:"):block.index("\n", block.index("resources:"))]
        assert "mem_mb=" in resources and "runtime=" in resources and "slurm_partition=" in resources, resources


def test_the_shard_count_is_config_alone(repo):
    extra = repo / "three.yaml"
    extra.write_text("interviews:\n  embedding:\n    shards: 3\n", encoding="utf-8")
    jobs = _jobs(run_snakemake(repo, "-n", "--quiet", "rules", "--configfile", str(extra)).stdout)
    assert jobs["interviews_embed_shard"] == 3 and jobs["interviews_embed"] == 1
