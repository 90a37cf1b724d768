import json
import math
import time

import evaluate
import pytest

from lab.errors import LabError
from lab.metrics import (
    F1,
    METRICS,
    Accuracy,
    ClassificationReport,
    ExactMatch,
    LoopShare,
    Perplexity,
    RougeL,
    load_metric,
    normalize_text,
    repeated_ngram,
)


# --- text ---------------------------------------------------------------------------------------------------


def test_rouge_l_known_values():
    rouge = RougeL()
    assert rouge.compute(predictions=["the cat sat"], references=["the cat sat"]) == {"rougeL": 1.0}
    # LCS "the cat on the mat" = 5 of 6 tokens on both sides.
    score = rouge.compute(predictions=["the cat sat on the mat"], references=["the cat lay on the mat"])["rougeL"]
    assert score == pytest.approx(5 / 6)
    assert rouge.compute(predictions=["a b", "x"], references=["a b", "y"])["rougeL"] == pytest.approx(0.5)


def test_rouge_l_stems_and_takes_the_best_reference():
    rouge = RougeL()
    assert rouge.compute(predictions=["running dogs"], references=["run dog"])["rougeL"] == 1.0
    assert rouge.compute(predictions=["the cat"], references=[["a dog", "the cat"]])["rougeL"] == 1.0


def test_normalize_text():
    assert normalize_text("  The  Answer!!\n") == "the answer"
    assert normalize_text("¿Qué, tal?") == "qué tal"
    assert normalize_text("The, Answer", ignore_case=False) == "The Answer"


def test_exact_match_normalises():
    em = ExactMatch()
    result = em.compute(predictions=["  The  Answer!! ", "Paris.", "no"], references=["the answer", "paris", "yes"])
    assert result == {"exact_match": pytest.approx(2 / 3)}
    assert em.compute(predictions=["b"], references=[["a", "B"]]) == {"exact_match": 1.0}


def test_exact_match_case_sensitive():
    em = ExactMatch(ignore_case=False)
    assert em.compute(predictions=["The answer", "The, answer"], references=["the answer", "The answer"]) == {
        "exact_match": 0.5
    }


# --- loops --------------------------------------------------------------------------------------------------

LOOP = "I'm a bit biased. I'm a bit biased. I'm a bit biased."


def test_repeated_ngram_finds_a_phrase_said_three_times():
    assert repeated_ngram(LOOP) == "im a bit biased"  # punctuation dropped, case folded
    fish = "They are a type of fish. THEY ARE A TYPE of bird, they are a type of tree"
    assert repeated_ngram(fish) == "they are a type"
    assert repeated_ngram("ha " * 6) == "ha ha ha ha"  # overlapping occurrences count


def test_repeated_ngram_ignores_twice_and_ordinary_prose():
    assert repeated_ngram("I'm a bit biased. I'm a bit biased.") is None  # twice is not a loop
    assert repeated_ngram("one of the best, one of the worst, one of the rest") is None  # 3-gram thrice: not 4
    assert repeated_ngram("Paris is the capital and largest city of France.") is None
    assert repeated_ngram("") is None and repeated_ngram("a b c") is None  # shorter than n words
    assert repeated_ngram("a b c d a b c d", n=4, min_count=2) == "a b c d"
    assert repeated_ngram("x y x y x y", n=2) == "x y"


def test_loop_share_counts_answers_not_repeats():
    loops = LoopShare()
    assert loops.compute(predictions=[LOOP, "Paris.", LOOP + " " + LOOP, ""]) == {"loop_share": 0.5}
    assert loops.compute(predictions=["Paris."]) == {"loop_share": 0.0}
    assert LoopShare(min_count=2).compute(predictions=["I'm a bit biased. I'm a bit biased."]) == {"loop_share": 1.0}


def test_loop_share_options_and_loading():
    assert type(load_metric("loops")) is LoopShare and load_metric("loop_share").name == "loop_share"
    assert load_metric("loop_share", n=2).compute(predictions=["x y x y x y"]) == {"loop_share": 1.0}
    with pytest.raises(LabError, match="min_count"):
        LoopShare(min_count=1)
    with pytest.raises(LabError, match="Unknown option"):
        LoopShare(ngram=3)
    with pytest.raises(LabError, match="No examples"):
        LoopShare().compute(predictions=[])


# --- classification -----------------------------------------------------------------------------------------


def test_accuracy_on_ints_and_strings():
    assert Accuracy().compute(predictions=[0, 1, 1, 0], references=[0, 1, 0, 0]) == {"accuracy": 0.75}
    assert Accuracy().compute(predictions=["pos", "neg"], references=["pos", "pos"]) == {"accuracy": 0.5}


# refs 0,0,0,1 / preds 0,0,1,1: class 0 p=1 r=2/3 f1=0.8 (support 3); class 1 p=1/2 r=1 f1=2/3 (support 1).
REFS, PREDS = [0, 0, 0, 1], [0, 0, 1, 1]


@pytest.mark.parametrize(
    "options, expected",
    [
        ({}, (0.8 + 2 / 3) / 2),
        ({"average": "micro"}, 3 / 4),
        ({"average": "weighted"}, (3 * 0.8 + 2 / 3) / 4),
        ({"average": "binary"}, 2 / 3),
        ({"average": "binary", "pos_label": 0}, 0.8),
    ],
)
def test_f1_hand_computed(options, expected):
    assert F1(**options).compute(predictions=PREDS, references=REFS)["f1"] == pytest.approx(expected)


def test_f1_on_string_labels():
    refs, preds = ["a", "a", "a", "b"], ["a", "a", "b", "b"]
    assert F1().compute(predictions=preds, references=refs)["f1"] == pytest.approx((0.8 + 2 / 3) / 2)
    assert F1(average="binary", pos_label="b").compute(predictions=preds, references=refs)["f1"] == pytest.approx(2 / 3)


def test_f1_bad_options_are_lab_errors():
    with pytest.raises(LabError, match="Unknown F1 average"):
        F1(average="samples")
    with pytest.raises(LabError, match="pos_label"):
        F1(average="binary").compute(predictions=[0, 1, 2], references=[0, 1, 2])
    with pytest.raises(LabError, match="averag"):
        F1(averag="micro")  # a typo must not silently fall back to macro


def test_classification_report():
    result = ClassificationReport().compute(predictions=[0, 2, 1, 1, 0], references=[0, 1, 1, 2, 0])
    json.dumps(result)  # plain Python values only
    assert result["labels"] == [0, 1, 2]
    assert result["support"] == [2, 2, 1]
    # rows: reference, columns: prediction
    assert result["confusion_matrix"] == [[2, 0, 0], [0, 1, 1], [0, 1, 0]]
    assert result["precision"] == pytest.approx([1.0, 0.5, 0.0])
    assert result["recall"] == pytest.approx([1.0, 0.5, 0.0])
    assert result["f1"] == pytest.approx([1.0, 0.5, 0.0])


def test_classification_report_label_order_and_string_labels():
    result = ClassificationReport(labels=["neg", "pos", "neutral"]).compute(
        predictions=["pos", "pos", "neg"], references=["pos", "neg", "neg"]
    )
    assert result["labels"] == ["neg", "pos", "neutral"]
    assert result["confusion_matrix"] == [[1, 1, 0], [0, 1, 0], [0, 0, 0]]
    assert result["support"] == [2, 1, 0]
    # digit strings stay strings: evaluate must not turn "1" into 1
    assert ClassificationReport().compute(predictions=["1", "2"], references=["2", "2"])["labels"] == ["1", "2"]


# --- perplexity ---------------------------------------------------------------------------------------------


def test_perplexity_is_exp_of_mean_loss():
    result = Perplexity().compute(predictions=[1.0, 2.0, 3.0])
    assert result["loss"] == pytest.approx(2.0)
    assert result["perplexity"] == pytest.approx(math.exp(2.0))


def test_perplexity_token_weighted():
    ppl = Perplexity(token_weighted=True)
    ppl.add_batch(predictions=[1.0], token_counts=[1])
    ppl.add_batch(predictions=[3.0], token_counts=[3])
    result = ppl.compute()
    assert result["loss"] == pytest.approx(2.5)
    assert result["perplexity"] == pytest.approx(math.exp(2.5))


def test_perplexity_overflow_is_inf_and_nan_is_an_error():
    assert Perplexity().compute(predictions=[800.0, 800.0]) == {"loss": 800.0, "perplexity": math.inf}
    assert Perplexity().compute(predictions=[1.0, math.inf])["perplexity"] == math.inf
    with pytest.raises(LabError, match="1 of 2 losses are NaN"):
        Perplexity().compute(predictions=[1.0, math.nan])
    with pytest.raises(LabError, match="Token counts"):
        Perplexity(token_weighted=True).compute(predictions=[1.0], token_counts=[0])


# --- the evaluate API ---------------------------------------------------------------------------------------


def test_add_batch_add_and_compute():
    acc = Accuracy()
    acc.add_batch(predictions=[1, 1], references=[1, 0])
    acc.add(prediction=0, reference=0)
    assert acc.compute() == {"accuracy": pytest.approx(2 / 3)}
    # compute() empties the stack
    assert acc.compute(predictions=[1], references=[0]) == {"accuracy": 0.0}


def test_combine():
    combined = evaluate.combine([Accuracy(), F1(average="micro"), ExactMatch()])
    result = combined.compute(predictions=["a", "b"], references=["a", "a"])
    assert result == {"accuracy": 0.5, "f1": 0.5, "exact_match": 0.5}


def test_no_examples_is_a_lab_error():
    with pytest.raises(LabError, match="No examples"):
        Accuracy().compute()
    with pytest.raises(LabError, match="No examples"):
        Perplexity().compute(predictions=[])


def test_nothing_is_written_to_the_cache(tmp_path):
    # In-memory inputs: no arrow cache files or locks for parallel processes to collide on.
    acc = Accuracy(cache_dir=str(tmp_path))
    acc.add_batch(predictions=[1], references=[1])
    assert acc.compute() == {"accuracy": 1.0}
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# --- load_metric --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, cls",
    [
        ("rouge_l", RougeL),
        ("rougeL", RougeL),
        ("rouge", RougeL),
        ("exact_match", ExactMatch),
        ("accuracy", Accuracy),
        ("f1", F1),
        ("perplexity", Perplexity),
        ("classification_report", ClassificationReport),
        ("loop_share", LoopShare),
    ],
)
def test_load_metric_builtin(name, cls):
    assert type(load_metric(name)) is cls


def test_metrics_lists_the_canonical_names():
    assert set(METRICS) == {"rouge_l", "exact_match", "accuracy", "f1", "perplexity", "classification_report",
                            "loop_share"}
    assert [load_metric(name).name for name in METRICS] == list(METRICS)


def test_load_metric_forwards_options():
    assert load_metric("f1", average="micro").compute(predictions=PREDS, references=REFS)["f1"] == 0.75
    with pytest.raises(LabError, match="Unknown option"):
        load_metric("accuracy", normalise=False)


@pytest.mark.parametrize("env", ["HF_HUB_OFFLINE", "HF_EVALUATE_OFFLINE"])
def test_unknown_metric_offline_fails_at_once(env, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv(env, "1")
    monkeypatch.setattr(evaluate, "load", lambda *a, **k: pytest.fail("evaluate.load must not be called offline"))
    start = time.monotonic()
    with pytest.raises(LabError) as info:
        load_metric("bleu")
    assert time.monotonic() - start < 1
    assert "Hub is offline" in info.value.what and "bleu" in info.value.what
    assert all(name in info.value.fix for name in METRICS)


def test_unknown_metric_online_falls_back_to_evaluate(monkeypatch):
    import lab.models.registry

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_EVALUATE_OFFLINE", raising=False)
    monkeypatch.setattr(lab.models.registry, "hub_is_offline", lambda: False)
    monkeypatch.setattr(evaluate, "load", lambda name, **kwargs: ("loaded", name, kwargs))
    assert load_metric("bleu", config_name="x") == ("loaded", "bleu", {"config_name": "x"})

    def fail(name, **kwargs):
        raise FileNotFoundError(f"Couldn't find a module script at {name}")

    monkeypatch.setattr(evaluate, "load", fail)
    with pytest.raises(LabError, match="could not be loaded") as info:
        load_metric("bleu")
    assert "Couldn't find" in info.value.why
