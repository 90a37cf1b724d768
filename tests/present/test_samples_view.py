"""The samples view on plain `sample` events: the words that changed marked, HTML escaped, at most five answer
columns, classify labels with their confidence, and a note while there are none."""

from lab.present import samples


def event(step, *answers, prompt="Say <hi> | please", reference="hi & bye"):
    return {"type": "sample", "step": step, "seconds": 0.25,
            "rows": [{"prompt": prompt, "reference": reference, "answer": a} for a in answers]}


def test_changed_words_are_marked_against_the_previous_column():
    page = samples.html([event(0, "hello there"), event(2, "hello world"), event(4, "hello world")])
    assert "<th>base (step 0)</th><th>step 2</th><th>step 4</th>" in page
    assert "<td>hello there</td><td>hello <mark>world</mark></td><td>hello world</td>" in page


def test_prompts_references_and_answers_are_escaped():
    page = samples.html([event(0, "<script>x</script>"), event(2, "a <b>")])
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<b>Say &lt;hi&gt; | please</b>" in page and "<i>hi &amp; bye</i>" in page
    assert "<mark>a &lt;b&gt;</mark>" in page
    table = samples.markdown([event(0, "a | b"), event(2, "a\nc")])
    assert "Say &lt;hi&gt; \\| please" in table and "a \\| b" in table and len(table.splitlines()) == 3


def test_at_most_the_first_and_last_three_later_steps_are_columns():
    page = samples.html([event(step, f"answer {step}") for step in range(0, 14, 2)])
    assert [c["step"] for c in samples.columns([event(s, "a") for s in range(0, 14, 2)])] == [0, 2, 8, 10, 12]
    assert "step 4" not in page and "step 6" not in page and "<th>step 12</th>" in page
    assert samples.columns([event(2, "a"), event(4, "b")])[0]["step"] == 2  # a run without a step-0 sample


def test_classify_rows_show_label_and_confidence():
    row = {"prompt": "cats purr", "reference": "animals", "answer": "animals", "confidence": 0.8731}
    page = samples.html([{"step": 0, "seconds": 0.1, "rows": [{**row, "answer": "food", "confidence": 0.4}]},
                         {"step": 3, "seconds": 0.1, "rows": [row]}])
    assert "<td>food (40%)</td><td><mark>animals</mark> (87%)</td>" in page
    assert "[answer]\nanimals (87%)" in samples.text({"step": 3, "seconds": 0.1, "rows": [row]})


def test_text_renders_one_event_for_the_cli():
    out = samples.text(event(0, "hello"))
    assert out.startswith("Samples at base (step 0) (0.2 s to answer):")
    assert "## Say <hi> | please\n[reference]\nhi & bye\n[answer]\nhello" in out
    assert samples.text(event(4, "x")).startswith("Samples at step 4")


def test_no_samples_yet_is_a_note():
    assert samples.html([]) == f"<i>{samples.EMPTY}</i>" and samples.markdown([]) == samples.EMPTY
    assert "after every evaluation" in samples.EMPTY
