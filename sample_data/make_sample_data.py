"""Regenerate the chat sample data from chatterbot-corpus 1.3.3 (BSD-3-Clause; see LICENSE-chatterbot-corpus).

    pip install chatterbot-corpus==1.3.3 pyyaml && python sample_data/make_sample_data.py

Each English conversation becomes one chat-messages record (user and assistant turns alternating), tagged with
its topic. The split is fixed: a record goes to validation when a hash of its text falls in the lowest 10 %,
so it does not depend on file order or a random seed. The first question of each conversation, labelled with
its topic, also makes the text-classification set topics/train.csv (split at read time, stratified).
"""

import csv
import hashlib
import json
from importlib.util import find_spec
from pathlib import Path

import yaml

HERE = Path(__file__).parent
VALIDATION_PERCENT = 10


def conversations(corpus_dir: Path):
    for path in sorted(corpus_dir.glob("*.yml")):
        topic = path.stem
        for turns in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            turns = [str(t).strip() for t in turns if str(t).strip()]
            if len(turns) % 2:  # a record must end on an assistant turn
                turns = turns[:-1]
            if turns:
                roles = ["user", "assistant"] * (len(turns) // 2)
                yield {"messages": [{"role": r, "content": t} for r, t in zip(roles, turns)], "topic": topic}


def is_validation(record: dict) -> bool:
    digest = hashlib.sha256(json.dumps(record["messages"]).encode()).digest()
    return digest[0] * 100 // 256 < VALIDATION_PERCENT


def main() -> None:
    corpus_dir = Path(find_spec("chatterbot_corpus").submodule_search_locations[0]) / "data" / "english"
    records, seen = [], set()
    for record in conversations(corpus_dir):
        key = json.dumps(record["messages"])
        if key not in seen:
            seen.add(key)
            records.append(record)
    splits = {"train": [r for r in records if not is_validation(r)], "validation": [r for r in records if is_validation(r)]}
    for split, rows in splits.items():
        with open(HERE / f"{split}.jsonl", "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        print(f"{split}: {len(rows)} conversations")
    write_topics(splits)


def write_topics(splits: dict) -> None:
    """One file: the lab's classification reader holds out a stratified share of every topic itself."""
    (HERE / "topics").mkdir(exist_ok=True)
    seen = set()
    with open(HERE / "topics" / "train.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        for record in splits["train"] + splits["validation"]:
            question = record["messages"][0]["content"]
            if question.lower() not in seen:  # the same question under two topics would be ambiguous
                seen.add(question.lower())
                writer.writerow([question, record["topic"]])
    print(f"topics: {len(seen)} questions")


if __name__ == "__main__":
    main()
