"""The development corpus scored with the scorer's own logic (../shared/eval/score.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from nhiemvu.ingest.parsing import extract_file

SHARED = Path(__file__).resolve().parents[4] / "../shared"
SCORER = SHARED / "eval" / "score.py"
CORPUS = [SHARED / "corpus" / "seed", SHARED / "corpus" / "dev"]

pytestmark = pytest.mark.skipif(
    not SCORER.exists(), reason="../shared (scorer and corpus) is not checked out"
)


def _scorer():
    spec = importlib.util.spec_from_file_location("plan_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_development_corpus_scores_at_least_095():
    score = _scorer()
    docs = score.documents([str(p) for p in CORPUS if p.exists()])
    assert docs, "no documents with gold annotations"
    total = {k: score.Tally() for k in [*score.WEIGHTS, "comparator"]}
    for doc in docs:
        gold = json.loads(doc.with_name(doc.name.split(".")[0] + ".gold.json").read_text(encoding="utf-8"))
        score.score_doc(gold, extract_file(doc), total)
    components = {k: total[k].f1() for k in score.WEIGHTS}
    overall = sum(w * components[k] for k, w in score.WEIGHTS.items())
    assert overall >= 0.95, components
    assert min(components.values()) >= 0.85, components


def test_every_plan_carries_its_source_text_and_task_excerpts():
    doc = CORPUS[0] / "lang-son-snn-2023.txt"
    plan = extract_file(doc)
    assert "KẾ HOẠCH" in plan["source_text"]
    assert plan["tasks"][1]["excerpt"].startswith("1.1. Hỗ trợ phát triển mới 05 chuỗi")
    json.dumps(plan, ensure_ascii=False)  # serialisable as it is
