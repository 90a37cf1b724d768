from pathlib import Path

import pytest

from lab.data import FORMATS, DatasetSplits, Example, read_dataset
from lab.errors import LabError
from tests.helpers import DATA

SAMPLE_DATA = Path(__file__).parents[2] / "sample_data"


def read_all(name, **kwargs) -> DatasetSplits:
    return read_dataset(DATA / name, validation_fraction=0, **kwargs)


def test_formats_are_the_five_documented():
    assert list(FORMATS) == ["messages", "sharegpt", "alpaca", "text", "columns"]


def test_openai_messages():
    data = read_all("messages.jsonl")
    assert data.format == "messages" and len(data.train) == 3 and data.validation == []
    assert data.train[0].messages == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": "Paris."},
    ]
    assert data.train[0].text is None
    assert data.files == {"train": str(DATA / "messages.jsonl")}


def test_sharegpt_roles_become_system_user_assistant():
    data = read_all("sharegpt.json")
    assert data.format == "sharegpt" and len(data.train) == 2
    assert data.train[0].messages == [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "Hello!"},
        {"role": "assistant", "content": "Hi there."},
    ]


def test_alpaca_appends_a_non_empty_input_to_the_instruction():
    data = read_all("alpaca.jsonl")
    assert data.format == "alpaca"
    assert [e.messages for e in data.train] == [
        [{"role": "user", "content": "Translate to French.\n\nHello"}, {"role": "assistant", "content": "Bonjour"}],
        [{"role": "user", "content": "Name a colour."}, {"role": "assistant", "content": "Brown."}],
        [{"role": "user", "content": "Count to three."}, {"role": "assistant", "content": "1, 2, 3"}],
    ]


def test_text_records_and_txt_paragraphs():
    records = read_all("text.jsonl")
    assert records.format == "text"
    assert [e.text for e in records.train] == [
        "The quick brown fox jumps over the lazy dog.", "A language model predicts the next token."]
    assert all(e.messages is None for e in records.train)
    paragraphs = read_all("notes.txt")
    assert paragraphs.format == "text"
    assert [e.text for e in paragraphs.train] == [
        "The quick brown fox.\nIt jumps.", "A language model\npredicts the next token.", "Hello!"]


def test_csv_with_bom_quoted_newlines_and_capitalised_columns():
    data = read_all("qa.csv")
    assert data.format == "columns" and len(data.train) == 2
    assert data.train[0].messages == [{"role": "user", "content": "What is 2+2?"},
                                      {"role": "assistant", "content": "It is 4."}]  # empty system cell: no turn
    assert data.train[1].messages == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Write two lines."},
        {"role": "assistant", "content": "Line one.\nLine two, with a comma."},
    ]


def test_explicit_column_mapping(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"q": "Hi", "a": "Hello.", "persona": "Be warm."}\n')
    data = read_dataset(path, prompt_column="q", response_column="a", system_column="persona", validation_fraction=0)
    assert data.format == "columns"
    assert data.train[0].messages == [{"role": "system", "content": "Be warm."}, {"role": "user", "content": "Hi"},
                                      {"role": "assistant", "content": "Hello."}]
    assert read_dataset(path, text_column="a", validation_fraction=0).train[0].text == "Hello."


def test_forced_format_overrides_detection(tmp_path):
    path = tmp_path / "both.jsonl"
    path.write_text('{"instruction": "Say hi.", "input": "now", "output": "Hi."}\n')
    assert read_dataset(path, validation_fraction=0).train[0].messages[0]["content"] == "Say hi.\n\nnow"
    forced = read_dataset(path, fmt="columns", validation_fraction=0)
    assert forced.format == "columns" and forced.train[0].messages[0]["content"] == "Say hi."


def test_folder_with_a_validation_file_uses_it():
    data = read_dataset(DATA / "folder_with_validation", validation_fraction=0.5)
    assert data.format == "columns" and len(data.train) == 3 and len(data.validation) == 1
    assert data.validation[0].messages[0]["content"] == "Hi"
    assert data.files == {"train": str(DATA / "folder_with_validation" / "train.jsonl"),
                          "validation": str(DATA / "folder_with_validation" / "valid.jsonl")}


def test_folder_without_validation_splits_train():
    data = read_dataset(DATA / "folder_without_validation", validation_fraction=0.25)
    assert data.format == "alpaca" and len(data.train) == 15 and len(data.validation) == 5
    assert list(data.files) == ["train"]
    everything = read_dataset(DATA / "folder_without_validation", validation_fraction=0).train
    assert sorted(e.messages[1]["content"] for e in data.train + data.validation) == \
        sorted(e.messages[1]["content"] for e in everything)


def test_split_is_fixed_for_a_seed_and_changes_with_it():
    def held_out(seed):
        data = read_dataset(DATA / "folder_without_validation", validation_fraction=0.25, seed=seed)
        return [e.messages[1]["content"] for e in data.validation]

    assert held_out(0) == held_out(0)
    assert held_out(0) != held_out(1)


def test_example_needs_exactly_one_of_messages_or_text():
    with pytest.raises(LabError, match="exactly one"):
        Example()
    with pytest.raises(LabError, match="exactly one"):
        Example(messages=[{"role": "user", "content": "x"}], text="x")


def test_sample_data_reads_as_messages():
    data = read_dataset(SAMPLE_DATA)
    assert data.format == "messages" and len(data.train) == 800 and len(data.validation) == 99
    assert all(e.messages[-1]["role"] == "assistant" for e in data.train + data.validation)
