"""The before/after report and lab.evaluate results as people read them: plain dicts in, text out."""

import itertools
import math

from lab.present import evaluate, report


def chat(base_loss=2.41, tuned_loss=1.93, reference="the capital of France is Paris, a city on the Seine",
         run="r1", prompt="Hi", base_rouge=0.18, tuned_rouge=0.26):
    return {"run": run, "runs": [run], "task": "chat", "split": "validation", "examples": 10, "max_new_tokens": 48,
            "seconds": 4.2,
            "rows": [{"model": "base", "loss": base_loss, "perplexity": 11.13, "rougeL": base_rouge, "exact_match": 0.0,
                      "changed": None},
                     {"model": run, "loss": tuned_loss, "perplexity": 6.89, "rougeL": tuned_rouge, "exact_match": 0.1,
                      "changed": 0.9}],
            "samples": [{"prompt": prompt, "reference": reference,
                         "answers": {"base": "hello there", run: "hello friend"}}],
            "facts": {"state": "completed", "steps": 30, "trainable_params": 12345, "total_params": 1_000_000,
                      "train_seconds": 125, "peak_memory_bytes": 512 * 2**20}}


def classify(base=0.12, tuned=0.85):
    def scores(accuracy):
        return {"accuracy": accuracy, "f1": accuracy - 0.05,
                "report": {"labels": ["cats", "dogs"], "precision": [accuracy] * 2, "recall": [accuracy] * 2,
                           "f1": [accuracy] * 2, "support": [3, 4], "confusion_matrix": [[1, 2], [3, 1]]}}
    return {"run": "c1", "runs": ["c1"], "task": "classify", "split": "validation", "examples": 7, "seconds": 1.0,
            "rows": [{"model": "base", **scores(base)}, {"model": "c1", **scores(tuned)}],
            "samples": [{"prompt": "a cat", "reference": "cats", "answers": {"base": "dogs", "c1": "cats"}}],
            "facts": {"state": "stopped", "steps": 2, "trainable_params": 10, "total_params": 100, "train_seconds": 3,
                      "peak_memory_bytes": 2**30}}


def test_headline_says_better_or_worse_by_validation_loss_and_rouge():
    assert report.headline(chat()) == ("Better than the base: validation loss 2.41 → 1.93 (−20%), ROUGE-L 0.180 → "
                                       "0.260 (+44%); 9 of 10 answers changed.")
    worse = report.headline(chat(tuned_loss=2.60, tuned_rouge=0.1))
    assert worse.startswith("Worse than the base: validation loss 2.41 → 2.60 (+8%), ROUGE-L 0.180 → 0.100 (−44%)")
    same = chat(tuned_loss=2.409, tuned_rouge=0.185)
    assert report.headline(same).startswith("About the same as the base: validation loss 2.41 → 2.41 (±0%), "
                                            "ROUGE-L 0.180 → 0.185 (+3%)")
    assert report.table(same)[0][3] == "= same"  # a change under 1% of the loss is no change
    assert report.table(same)[2][3] == "= same"  # nor one under a point of ROUGE-L (SAME_ROUGE)
    assert [report.verdict(r) for r in (chat(), chat(tuned_loss=2.6, tuned_rouge=0.1), same)] == [
        "better", "worse", "same"]
    assert report.headline(classify()) == "Better than the base: accuracy 12% → 85%, macro-F1 0.07 → 0.80."
    assert report.verdict(classify(0.5, 0.4)) == "worse"
    # one better, the other within its band: better, and the headline says which moved and which did not
    assert report.verdict(chat(tuned_loss=2.409)) == "better"
    assert "validation loss 2.41 → 2.41 (±0%, same), ROUGE-L 0.180 → 0.260 (+44%, better)" in report.headline(
        chat(tuned_loss=2.409))


def test_loss_down_and_rouge_down_a_lot_is_mixed_and_the_headline_names_both():
    mixed = chat(base_loss=2.41, tuned_loss=2.12, base_rouge=0.077, tuned_rouge=0.054)  # the run of issue 29
    assert report.verdict(mixed) == "mixed"
    line = report.headline(mixed)
    assert line == ("Mixed against the base: validation loss 2.41 → 2.12 (−12%, better), ROUGE-L 0.077 → 0.054 "
                    "(−30%, worse); 9 of 10 answers changed.")
    for page in (report.text(mixed), report.markdown(mixed), report.html(mixed)):
        assert "Mixed against the base" in page and "Better than" not in page
    assert report.text(mixed).splitlines()[0] == line
    assert report.markdown(mixed).startswith(f"**{line}**")
    classify_mixed = classify(0.5, 0.6)
    classify_mixed["rows"][1]["f1"] = 0.3
    assert report.headline(classify_mixed) == ("Mixed against the base: accuracy 50% → 60% (better), "
                                               "macro-F1 0.45 → 0.30 (worse).")


def test_the_verdict_never_contradicts_the_table():
    """Over a grid of before/after scores: the verdict is better only when some row of the table is better and
    none worse, worse only the other way round, mixed when both, same when neither; the headline opens with it."""
    def words(rows):
        return {word for row in rows for word in ("better", "worse") if row[3].endswith(word)}

    openings = {"better": "Better than", "worse": "Worse than", "mixed": "Mixed against", "same": "About the same"}
    expected = {frozenset(): "same", frozenset({"better"}): "better", frozenset({"worse"}): "worse",
                frozenset({"better", "worse"}): "mixed"}
    cases = []
    for loss, rouge, exact, reference in itertools.product((2.0, 1.99, 1.8, 2.3), (0.3, 0.305, 0.2, 0.5, 0.0),
                                                           (0.0, 0.2), ("Paris", "a long answer of many words here")):
        r = chat(base_loss=2.0, tuned_loss=loss, base_rouge=0.3, tuned_rouge=rouge, reference=reference)
        r["rows"][0].update(perplexity=math.exp(2.0), exact_match=0.1)
        r["rows"][1].update(perplexity=math.exp(loss), exact_match=exact)
        cases.append(r)
    for before, accuracy, f1 in itertools.product((0.5,), (0.5, 0.503, 0.6, 0.4), (0.45, 0.452, 0.6, 0.3)):
        r = classify(before, accuracy)
        r["rows"][1]["f1"] = f1
        cases.append(r)
    seen = set()
    for r in cases:
        judged = report.verdict(r)
        assert judged == expected[frozenset(words(report.table(r)))], (report.headline(r), report.table(r))
        assert report.headline(r).startswith(openings[judged])
        seen.add(judged)
    assert seen == {"better", "worse", "mixed", "same"}


def test_each_metric_has_its_change_arrow_and_whether_that_is_better():
    rows = {row[0]: row for row in report.table(chat())}
    assert rows["validation loss"] == ["validation loss", "2.410", "1.930", "↓ −20% better"]
    assert rows["perplexity"][1:3] == ["11.13", "6.89"] and rows["perplexity"][3].startswith("↓")
    assert rows["ROUGE-L"][3] == "↑ +0.080 better" and rows["answers changed"][1:] == ["—", "90%", ""]
    worse = {row[0]: row for row in report.table(chat(tuned_loss=2.6))}
    assert worse["validation loss"][3] == "↑ +8% worse"
    accuracy = report.table(classify())[0]
    assert accuracy == ["accuracy", "12%", "85%", "↑ +73 pts better"]
    page = report.html(chat())
    assert "color:#15803d'>↓ −20% better" in page  # better in green


def test_exact_match_only_for_short_references_with_a_note_why():
    long = report.text(chat())
    assert "exact match" not in [line.split("  ")[0] for line in long.splitlines()]
    assert "Exact match is left out" in long and "Exact match is left out" in report.html(chat())
    short = chat(reference="Paris")
    assert "exact match" in [row[0] for row in report.table(short)] and report.note(short) == ""
    assert "exact match" not in [row[0] for row in report.table(classify())]


def test_facts_and_examples_are_shown():
    page = report.text(chat())
    for fact in ("12,345 of 1,000,000 (1.23%)", "steps: 30 (completed)", "training time: 2 min",
                 "peak memory: 512 MiB", "report time: 4 s"):
        assert fact in page
    assert "[r1] hello friend" in page and "<mark>friend</mark>" in report.html(chat())
    markdown = report.markdown(chat())
    assert "| validation loss | 2.410 | 1.930 | ↓ −20% better |" in markdown
    assert markdown.startswith("**Better than the base")
    per_class = [line.split() for line in report.text(classify()).splitlines() if line.startswith("cats")]
    assert per_class == [["cats", "0.12", "0.85", "↑", "+0.730", "better", "3"]]


def test_everything_from_a_run_or_its_data_is_escaped():
    hostile = chat(run="<b>r</b>", prompt="<script>alert(1)</script>", reference="a | b <i>")
    page = report.html(hostile) + evaluate.html(hostile)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>r</b>" not in page
    markdown = report.markdown(hostile)
    assert "<script>" not in markdown and "a \\| b &lt;i&gt;" in markdown
    error = {"run": "r", "error": "CUDA <oops>"}
    assert "&lt;oops&gt;" in report.html(error) and "<oops>" not in report.html(error)


def test_no_report_yet_and_a_failed_report():
    assert report.headline(None) == "No report yet: it is written when the run ends."
    assert report.text(None) == report.headline(None) and "No report yet" in report.html(None)
    assert report.markdown(None) == report.headline(None) and report.verdict(None) is None
    failed = {"run": "r", "error": "RuntimeError: boom"}
    assert report.headline(failed) == "The before/after report failed: RuntimeError: boom"
    assert report.verdict(failed) is None and "RuntimeError: boom" in report.text(failed)


def test_evaluate_shows_a_column_per_model_with_deltas_against_the_base():
    result = chat()
    result["runs"].append("r2")
    result["rows"].append({"model": "r2", "loss": 2.6, "perplexity": 13.5, "rougeL": 0.1, "exact_match": 0.0,
                           "changed": 0.5})
    result["samples"][0]["answers"]["r2"] = "hello there"
    del result["facts"]  # several runs: stored nowhere, no facts
    headers, rows, better = evaluate.comparison(result)
    assert headers == ["metric", "base", "r1", "r2"]
    assert rows[0] == ["validation loss", "2.410", "1.930 (↓ −20% better)", "2.600 (↑ +8% worse)"]
    assert better[0] == [None, None, True, False]
    out = evaluate.text(result)
    assert out.splitlines()[:2] == [f"r1: {report.headline(result, 'r1')}", f"r2: {report.headline(result, 'r2')}"]
    assert "runs r1, r2, scored in 4 s" in out and "[reference]" in out
    page = evaluate.html(result)
    assert page.count("<th>") >= 4 and "<mark>friend</mark>" in page and "color:#b91c1c" in page
