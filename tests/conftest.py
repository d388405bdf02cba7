"""Shared fixtures: the sample portals, and an archive built by really crawling them with the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.portal_crawl import LOOPBACK_SETTINGS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
TEST_SETTINGS = [*LOOPBACK_SETTINGS, "-s", "LOG_LEVEL=DEBUG"]


def govarchive(*args, check=True, timeout=300) -> subprocess.CompletedProcess:
    """Run the ``govarchive`` console script as a user would; return the finished process."""
    command = [str(Path(sys.executable).with_name("govarchive")), *map(str, args)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if check and result.returncode != 0:
        raise AssertionError(f"{command} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def assert_verified(data) -> str:
    """``govarchive verify --data DATA`` passes (digests, row locations, payloads); its summary line."""
    result = govarchive("verify", "--data", data, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def corpus_meta() -> dict[str, dict]:
    return {p.name.removesuffix(".meta.json"): json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(CORPUS.glob("*.meta.json"))}


@pytest.fixture(scope="session")
def sample_portals():
    from tests.sampleportals import SamplePortals

    with SamplePortals() as portals:
        yield portals


@pytest.fixture(scope="session")
def crawled_archive(sample_portals, tmp_path_factory):
    """A data directory after one ``govarchive crawl`` over every sample portal, and the command's output."""
    data = tmp_path_factory.mktemp("archive")
    registry = data / "sample-portals.json"
    sample_portals.write_registry(registry)
    result = govarchive("crawl", "--portals", registry, "--data", data, *TEST_SETTINGS)
    return data, result
