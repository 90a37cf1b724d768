"""Build python_docs/: questions about Python's built-ins answered from their own docstrings, in the alpaca form
(instruction, input, output). A second chat set of another format and style than sample_data (terse technical
answers, not small talk), for the recipe sweep (bench/recipe_sweep.py). Needs only the Python standard library.

    python sample_data/python_docs/make_python_docs.py
"""

import builtins
import hashlib
import inspect
import json
from pathlib import Path

HERE = Path(__file__).parent
TYPES = (str, list, dict, set, bytes, int, float, tuple)


def first_paragraph(doc: str) -> str:
    """The docstring's first paragraph after any signature lines, on one line."""
    paragraphs = [p for p in inspect.cleandoc(doc).split("\n\n") if p.strip()]
    paragraphs = [p for p in paragraphs if "(" not in p.splitlines()[0] or " " in p.split("(")[0].strip()]
    return " ".join(paragraphs[0].split()) if paragraphs else ""


def examples():
    for name in sorted(dir(builtins)):
        obj = getattr(builtins, name)
        if name.startswith("_") or not obj.__doc__:
            continue
        kind = "exception" if isinstance(obj, type) and issubclass(obj, BaseException) else "built-in"
        yield f"What does the Python {kind} `{name}` do?", first_paragraph(obj.__doc__)
    for cls in TYPES:
        for name, obj in sorted(vars(cls).items()):
            if not name.startswith("_") and getattr(obj, "__doc__", None):
                yield f"What does `{cls.__name__}.{name}` do in Python?", first_paragraph(obj.__doc__)


def main():
    rows = {"train": [], "validation": []}
    seen = set()
    for question, answer in examples():
        if len(answer.split()) < 4 or answer in seen:  # one-word docs teach nothing; duplicates leak across splits
            continue
        seen.add(answer)
        split = "validation" if hashlib.sha1(question.encode()).digest()[0] < 26 else "train"  # ~10 %, fixed
        rows[split].append({"instruction": question, "input": "", "output": answer})
    for split, items in rows.items():
        with open(HERE / f"{split}.jsonl", "w", encoding="utf-8") as f:
            f.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
        print(split, len(items))


if __name__ == "__main__":
    main()
