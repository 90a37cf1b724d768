import pytest

from lab.data import Example, preview, render_example, tokenize_examples
from lab.errors import LabError

IGNORE = -100
SINGLE = Example(messages=[{"role": "system", "content": "Be brief."},
                          {"role": "user", "content": "What is the capital of France?"},
                          {"role": "assistant", "content": "Paris."}])
MULTI = Example(messages=[{"role": "user", "content": "Hello!"},
                         {"role": "assistant", "content": "Hi. How are you?"},
                         {"role": "user", "content": "Fine, thank you."},
                         {"role": "assistant", "content": "Good to hear."}])
TEXT = Example(text="The quick brown fox jumps over the lazy dog.")


@pytest.fixture
def tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir)


def labelled_runs(tokenizer, row) -> list[str]:
    """The decoded text of each contiguous run of trained tokens."""
    runs, current = [], []
    for token, label in zip(row["input_ids"], row["labels"]):
        if label != IGNORE:
            assert label == token
            current.append(token)
        elif current:
            runs, current = runs + [current], []
    return [tokenizer.decode(run) for run in runs + ([current] if current else [])]


def test_labels_cover_exactly_the_answer_and_end_of_turn(tokenizer):
    row = render_example(tokenizer, SINGLE, max_length=512)
    assert labelled_runs(tokenizer, row) == ["Paris.<|im_end|>"]
    assert row["attention_mask"] == [1] * len(row["input_ids"]) and row["truncated"] is False


def test_multi_turn_trains_on_both_assistant_turns(tokenizer):
    row = render_example(tokenizer, MULTI, max_length=512)
    assert labelled_runs(tokenizer, row) == ["Hi. How are you?<|im_end|>", "Good to hear.<|im_end|>"]


def test_rendering_is_the_chat_template_chat_uses(tokenizer):
    row = render_example(tokenizer, MULTI, max_length=512)
    text = tokenizer.apply_chat_template(MULTI.messages, tokenize=False)
    assert row["input_ids"] == tokenizer(text, add_special_tokens=False)["input_ids"]
    prompt = tokenizer.apply_chat_template(MULTI.messages[:-1], tokenize=False, add_generation_prompt=True)
    assert preview(tokenizer, [MULTI])[0]["prompt"] == prompt


def test_answer_only_false_trains_on_everything(tokenizer):
    row = render_example(tokenizer, SINGLE, max_length=512, answer_only=False)
    assert row["labels"] == row["input_ids"]


def test_plain_text_trains_on_all_tokens_and_ends_with_eos(tokenizer):
    row = render_example(tokenizer, TEXT, max_length=512)
    assert row["labels"] == row["input_ids"]
    assert row["input_ids"][-1] == tokenizer.eos_token_id
    assert tokenizer.decode(row["input_ids"][:-1]) == TEXT.text


def test_no_duplicate_bos_when_the_template_has_it(tokenizer):
    from tokenizers import processors

    bos = tokenizer.bos_token_id  # <|im_start|>, which ChatML also writes at the start of every turn
    tokenizer.backend_tokenizer.post_processor = processors.TemplateProcessing(
        single="<|im_start|> $A", special_tokens=[("<|im_start|>", bos)])
    assert tokenizer("x")["input_ids"][0] == bos  # the tokenizer now adds a BOS of its own
    chat = render_example(tokenizer, SINGLE, max_length=512)["input_ids"]
    assert chat[0] == bos and chat[1] != bos
    assert render_example(tokenizer, TEXT, max_length=512)["input_ids"][0] == bos  # plain text gets its BOS


def test_truncation_cuts_right(tokenizer):
    full = render_example(tokenizer, MULTI, max_length=512)
    cut = render_example(tokenizer, MULTI, max_length=10)
    assert cut["truncated"] is True and len(cut["input_ids"]) == len(cut["labels"]) == 10
    assert cut["input_ids"] == full["input_ids"][:10] and cut["labels"] == full["labels"][:10]


def test_tokenize_examples_drops_rows_without_answer_and_counts(tokenizer):
    long_prompt = Example(messages=[{"role": "user", "content": "word " * 60}, {"role": "assistant", "content": "Ok."}])
    rows, stats = tokenize_examples(tokenizer, [SINGLE, long_prompt, TEXT], max_length=43)
    single = render_example(tokenizer, SINGLE, max_length=43)
    text = render_example(tokenizer, TEXT, max_length=43)
    assert single["truncated"] and not text["truncated"]
    assert rows == [single, text]
    assert stats == {
        "examples": 3, "kept": 2, "truncated": int(single["truncated"]) + int(text["truncated"]),
        "dropped_no_answer": 1, "tokens": len(single["input_ids"]) + len(text["input_ids"]),
        "answer_tokens": sum(label != IGNORE for r in rows for label in r["labels"]),
    }
    assert stats["answer_tokens"] < stats["tokens"]


def test_all_rows_dropped_names_the_length_needed(tokenizer):
    def first_answer_token(example):
        labels = render_example(tokenizer, example, max_length=512)["labels"]
        return next(i for i, label in enumerate(labels) if label != IGNORE)

    needed = min(first_answer_token(SINGLE), first_answer_token(MULTI)) + 1
    with pytest.raises(LabError, match="max_length=5 is too small") as caught:
        tokenize_examples(tokenizer, [SINGLE, MULTI], max_length=5)
    assert f">= {needed} " in caught.value.why
    assert len(tokenize_examples(tokenizer, [SINGLE, MULTI], max_length=needed)[0]) == 1
    with pytest.raises(LabError):
        tokenize_examples(tokenizer, [SINGLE, MULTI], max_length=needed - 1)


def test_preview_rows(tokenizer):
    table = preview(tokenizer, [SINGLE, TEXT, MULTI], n=2, max_length=1024)
    assert [set(row) for row in table] == [{"prompt", "answer", "tokens", "answer_tokens", "truncated"}] * 2
    assert table[0]["prompt"].endswith("<|im_start|>assistant\n") and "Be brief." in table[0]["prompt"]
    assert table[0]["answer"] == "Paris." and 0 < table[0]["answer_tokens"] < table[0]["tokens"]
    text_tokens = len(render_example(tokenizer, TEXT, 1024)["input_ids"])
    assert table[1] == {"prompt": "", "answer": TEXT.text, "tokens": text_tokens, "answer_tokens": text_tokens,
                        "truncated": False}


def test_tokenizer_without_template_gets_chatml(tokenizer):
    expected = render_example(tokenizer, SINGLE, max_length=512)
    tokenizer.chat_template = None
    assert render_example(tokenizer, SINGLE, max_length=512) == expected


def test_template_that_rewrites_earlier_turns_still_masks_each_answer(tokenizer):
    # like reasoning templates: only the last assistant turn gets a (here empty) thinking block
    tokenizer.chat_template = (
        "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\n' }}"
        "{% if m['role'] == 'assistant' and loop.last %}{{ '<think></think>' }}{% endif %}"
        "{{ m['content'] + '<|im_end|>\n' }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
    )
    row = render_example(tokenizer, MULTI, max_length=512)
    assert labelled_runs(tokenizer, row) == ["Hi. How are you?<|im_end|>", "<think></think>Good to hear.<|im_end|>"]


def test_bad_max_length(tokenizer):
    with pytest.raises(LabError, match="max_length"):
        render_example(tokenizer, SINGLE, max_length=0)
