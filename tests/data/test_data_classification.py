import pytest

from lab.data import read_classification
from lab.errors import LabError


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_topics_read_with_a_label_mapping_and_counts():
    splits = read_classification("sample_data/topics")
    assert len(splits.labels) == 21 and splits.labels == sorted(splits.labels)
    assert len(splits.train) + len(splits.validation) == 749
    counts = splits.counts
    scored = {label for label in splits.labels if counts["train"][label] + counts["validation"].get(label, 0) >= 2}
    assert set(counts["validation"]) == scored  # stratified: every topic with two or more examples is scored
    text, label = splits.train[0]
    assert isinstance(text, str) and 0 <= label < 21


def test_stratified_split_holds_out_every_class(tmp_path):
    rows = "".join(f"{kind} example {i},{kind}\n" for kind in ("cats", "dogs", "fish") for i in range(10))
    splits = read_classification(write(tmp_path / "data.csv", "text,label\n" + rows), validation_fraction=0.2)
    assert splits.counts["validation"] == {"cats": 2, "dogs": 2, "fish": 2}
    assert splits.counts["train"] == {"cats": 8, "dogs": 8, "fish": 8}
    again = read_classification(tmp_path / "data.csv", validation_fraction=0.2)
    assert again.validation == splits.validation  # fixed for a seed


def test_named_columns_and_jsonl(tmp_path):
    path = write(tmp_path / "d.jsonl", '{"q": "hi", "y": "greet"}\n{"q": "bye", "y": "part"}\n'
                                       '{"q": "hello", "y": "greet"}\n{"q": "ciao", "y": "part"}\n')
    splits = read_classification(path, text_column="q", label_column="y", validation_fraction=0.5)
    assert splits.labels == ["greet", "part"] and len(splits.validation) == 2


@pytest.mark.parametrize(
    "content, message",
    [
        ("text,label\na,x\nb,x\n", "only one class"),
        ("text,label\na,x\n,y\n", "row 3: the text is empty"),
        ("text,label\na,x\nb,\n", "row 3: the label is empty"),
        ("words,kind\na,x\n", "cannot tell which column holds the text"),
    ],
)
def test_errors_name_the_row_and_the_fix(tmp_path, content, message):
    with pytest.raises(LabError, match=message):
        read_classification(write(tmp_path / "d.csv", content))


def test_a_validation_label_unseen_in_training(tmp_path):
    write(tmp_path / "train.csv", "text,label\na,x\nb,y\n")
    write(tmp_path / "validation.csv", "text,label\nc,z\n")
    with pytest.raises(LabError, match=r"validation labels \['z'\] never occur in training"):
        read_classification(tmp_path)


def test_validation_mixes_the_classes_so_a_capped_evaluation_sees_them_all():
    labels = [label for _, label in read_classification("sample_data/topics").validation]
    assert labels != sorted(labels) and len(set(labels[:20])) >= 8
