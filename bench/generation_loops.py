"""Generation defaults that don't loop: the default model answers the sample validation prompts (greedy, batched)
under several repetition settings; for each, the share of answers stuck in a loop (lab.metrics "loop_share"),
the mean ROUGE-L against the reference answers (a setting that stops loops by writing nonsense shows here) and
the mean answer length. Then it picks the default by the rule in `pick`.

    python bench/generation_loops.py [--limit N] [--new-tokens 96] [--show 2] [--threads 1]

On a shared two-core box, --threads 1 is about three times faster than torch's default of two threads.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from rouge_score import rouge_scorer

from common import peak_rss_mib  # before any lab import: it sets the offline environment
import lab
from lab.data import read_dataset
from lab.generation import GenerationSettings, generate_batch
from lab.metrics import load_metric, repeated_ngram
from lab.models import DEFAULT_MODEL, load_model, resolve_model

BENCH = "generation_loops"
# generation_config.json keys that would change how the answer is chosen, as GenerationSettings fields.
RELEVANT = ("repetition_penalty", "no_repeat_ngram_size", "temperature", "top_p", "top_k", "do_sample")
ROUGE_TOLERANCE = 0.01  # "does not hurt ROUGE-L": at most this much below the old default's
# The old default: no repetition control. Every candidate names both fields, so none takes the lab's defaults.
OFF = {"repetition_penalty": 1.0, "no_repeat_ngram_size": 0}


def candidates(model_config: dict) -> list[tuple[str, dict]]:
    """(label, GenerationSettings fields) in the order they are measured; the first is the old default."""
    rows = [("old default: greedy, repetition_penalty 1.0", {})]
    own = {k: model_config[k] for k in RELEVANT if k in model_config}
    if own:
        fields = {k: v for k, v in own.items() if k in ("repetition_penalty", "no_repeat_ngram_size")}
        if own.get("do_sample") and "temperature" in own:  # greedy stays the default; note sampling anyway
            fields.update(temperature=own["temperature"], top_p=own.get("top_p", 1.0), top_k=own.get("top_k", 50))
        rows.append((f"the model's generation_config.json ({json.dumps(own)})", fields))
    rows += [(f"repetition_penalty {p}", {"repetition_penalty": p}) for p in (1.1, 1.2, 1.3)]
    rows += [(f"no_repeat_ngram_size {n}", {"no_repeat_ngram_size": n}) for n in (3, 4, 6)]
    rows += [(f"repetition_penalty {p} + no_repeat_ngram_size {n}", {"repetition_penalty": p,
                                                                      "no_repeat_ngram_size": n})
             for p, n in ((1.1, 4), (1.1, 6), (1.2, 4))]
    return [(label, {**OFF, **fields}) for label, fields in rows]


def prompts_and_references(limit: int | None) -> tuple[list[list[dict]], list[str]]:
    """Each validation conversation up to its last user turn, and the assistant turn that answers it."""
    conversations, references = [], []
    for example in read_dataset(lab.data_path("sample_data")).validation[:limit]:
        last_user = max(i for i, m in enumerate(example.messages) if m["role"] == "user")
        conversations.append([{"role": m["role"], "content": m["content"]} for m in example.messages[:last_user + 1]])
        following = [m["content"] for m in example.messages[last_user + 1:] if m["role"] == "assistant"]
        references.append(following[0] if following else "")
    return conversations, references


def measure(model, tokenizer, conversations, references, fields: dict, new_tokens: int) -> dict:
    settings = GenerationSettings(max_new_tokens=new_tokens, **fields)
    started = time.perf_counter()
    answers = generate_batch(model, tokenizer, conversations, settings)
    seconds = time.perf_counter() - started
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)  # per answer, for the paired difference
    rouge = [scorer.score(ref, ans)["rougeL"].fmeasure for ans, ref in zip(answers, references)]
    tokens = [len(tokenizer(a, add_special_tokens=False)["input_ids"]) for a in answers]
    return {
        "settings": settings,
        "answers": answers,
        "rouge": np.array(rouge),
        "loop_share": load_metric("loop_share").compute(predictions=answers)["loop_share"],
        "rougeL": load_metric("rouge_l").compute(predictions=answers, references=references)["rougeL"],
        "words": float(np.mean([len(a.split()) for a in answers])),
        "tokens": float(np.mean(tokens)),
        # an answer that ended on its own (end-of-turn) rather than at the token limit
        "finished": float(np.mean([t < new_tokens - 1 for t in tokens])),
        "seconds": seconds,
    }


def pick(results: list[tuple[str, dict]]) -> tuple[str, dict]:
    """The rule: among settings whose mean ROUGE-L is at most ROUGE_TOLERANCE below the old default's, the lowest loop
    share; ties go to the higher ROUGE-L, then to the setting measured first (the simpler one)."""
    old = results[0][1]["rougeL"]
    allowed = [(i, label, r) for i, (label, r) in enumerate(results) if r["rougeL"] >= old - ROUGE_TOLERANCE]
    _, label, best = min(allowed, key=lambda t: (t[2]["loop_share"], -round(t[2]["rougeL"], 4), t[0]))
    return label, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N validation prompts")
    parser.add_argument("--new-tokens", type=int, default=96)
    parser.add_argument("--show", type=int, default=2, help="print up to N looping answers per setting (stderr)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's own)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    folder = Path(resolve_model(DEFAULT_MODEL))
    config_file = folder / "generation_config.json"
    model_config = json.loads(config_file.read_text()) if config_file.is_file() else {}
    own = {k: model_config[k] for k in RELEVANT if k in model_config}
    print(json.dumps({"bench": BENCH, "what": "the model's generation_config.json", "relevant": own,
                      "keys": sorted(model_config)}), flush=True)

    model, tokenizer, _ = load_model(DEFAULT_MODEL, "fp32")
    conversations, references = prompts_and_references(args.limit)
    reference_loops = load_metric("loop_share").compute(predictions=references)["loop_share"]
    print(json.dumps({"bench": BENCH, "what": "loop share of the reference answers (the metric's false alarms)",
                      "loop_share": reference_loops, "prompts": len(conversations)}), flush=True)
    print("| setting | answers with a loop | mean ROUGE-L | ROUGE-L vs old default (± paired s.e.) | mean words | "
          "mean tokens | ended before the limit | seconds |", flush=True)
    print("|---|---|---|---|---|---|---|---|", flush=True)

    results: list[tuple[str, dict]] = []
    for label, fields in candidates(model_config):
        r = measure(model, tokenizer, conversations, references, fields, args.new_tokens)
        results.append((label, r))
        diff = r["rouge"] - results[0][1]["rouge"]
        se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
        print(json.dumps({"bench": BENCH, "what": label, "settings": fields, "loop_share": round(r["loop_share"], 4),
                          "rougeL": round(r["rougeL"], 4), "rougeL_vs_old": round(float(diff.mean()), 4),
                          "rougeL_vs_old_se": round(se, 4), "mean_words": round(r["words"], 1),
                          "mean_tokens": round(r["tokens"], 1), "ended_before_limit": round(r["finished"], 3),
                          "seconds": round(r["seconds"], 1), "prompts": len(conversations),
                          "new_tokens": args.new_tokens, "peak_rss_mib": round(peak_rss_mib())}), flush=True)
        loops = sum(repeated_ngram(a) is not None for a in r["answers"])
        print(f"| {label} | {r['loop_share']:.1%} ({loops}/{len(conversations)}) | {r['rougeL']:.4f} | "
              f"{diff.mean():+.4f} ± {se:.4f} | {r['words']:.1f} | {r['tokens']:.1f} | {r['finished']:.0%} | "
              f"{r['seconds']:.0f} |", flush=True)
        looping = [(c[-1]["content"], a) for c, a in zip(conversations, r["answers"]) if repeated_ngram(a)]
        for prompt, answer in looping[:args.show]:
            print(f"  [{label}] {prompt!r} -> {answer!r}", file=sys.stderr, flush=True)

    label, best = pick(results)
    s = best["settings"]
    print(json.dumps({"bench": BENCH, "what": "chosen default", "setting": label,
                      "repetition_penalty": s.repetition_penalty, "no_repeat_ngram_size": s.no_repeat_ngram_size,
                      "rule": f"lowest loop share with mean ROUGE-L >= the old default's - {ROUGE_TOLERANCE}; "
                              "ties: higher ROUGE-L, then the simpler setting", "loop_share": round(best["loop_share"], 4),
                      "rougeL": round(best["rougeL"], 4),
                      "is_the_lab_default": all(getattr(s, k) == getattr(GenerationSettings(), k) for k in OFF)}),
          flush=True)
    print(f"| chosen: {label} | {best['loop_share']:.1%} | {best['rougeL']:.4f} | | {best['words']:.1f} | "
          f"{best['tokens']:.1f} | {best['finished']:.0%} | |", flush=True)


if __name__ == "__main__":
    main()
