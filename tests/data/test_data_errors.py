import pytest

from lab.data import read_dataset
from lab.errors import LabError

GOOD = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}'


def error_for(path, content, **kwargs) -> LabError:
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    with pytest.raises(LabError) as caught:
        read_dataset(path, **kwargs)
    return caught.value


def messages_line(*turns) -> str:
    return '{"messages": [' + ", ".join(f'{{"role": "{r}", "content": "{c}"}}' for r, c in turns) + "]}"


def test_malformed_json_line_names_file_and_line(tmp_path):
    err = error_for(tmp_path / "bad.jsonl", GOOD + '\n{"messages": [\n')
    assert "bad.jsonl, line 2: malformed JSON" in err.what and err.why and err.fix


def test_malformed_json_file_names_the_line(tmp_path):
    err = error_for(tmp_path / "bad.json", '[\n{"text": "a"},\n{"text": }\n]')
    assert "bad.json, line 3: malformed JSON" in err.what


def test_line_that_is_not_an_object(tmp_path):
    err = error_for(tmp_path / "list.jsonl", GOOD + "\n[1, 2]\n")
    assert "list.jsonl, line 2: not a JSON object" in err.what


def test_record_of_no_known_format_lists_its_fields(tmp_path):
    err = error_for(tmp_path / "odd.jsonl", '{"foo": "a", "bar": "b"}\n')
    assert "odd.jsonl, line 1: the record has no known format" in err.what
    assert "foo, bar" in err.why and "prompt" in err.why


def test_misnamed_column_lists_the_columns_found(tmp_path):
    err = error_for(tmp_path / "qa.csv", "query,reply\nHi,Hello.\n", prompt_column="question", response_column="reply")
    assert "qa.csv, row 2, field 'question': no such column" in err.what
    assert "query, reply" in err.why


def test_missing_system_column_is_reported(tmp_path):
    err = error_for(tmp_path / "qa.csv", "prompt,response\nHi,Hello.\n", system_column="persona")
    assert "qa.csv, row 2, field 'persona': no such column" in err.what and "prompt, response" in err.why


def test_forced_format_with_missing_columns(tmp_path):
    err = error_for(tmp_path / "qa.csv", "prompt,response\nHi,Hello.\n", fmt="alpaca")
    assert "qa.csv, row 2, field 'instruction': no such column" in err.what


def test_a_later_record_missing_a_field(tmp_path):
    err = error_for(tmp_path / "qa.jsonl", '{"prompt": "a", "response": "b"}\n{"prompt": "c"}\n')
    assert "qa.jsonl, line 2, field 'response': missing" in err.what


def test_empty_csv_cell_names_the_row(tmp_path):
    err = error_for(tmp_path / "qa.csv", 'question,answer\nHi,Hello.\n"Multi\nline",\n')
    assert "qa.csv, row 3, field 'answer': empty content" in err.what


@pytest.mark.parametrize("name, content", [("empty.jsonl", ""), ("blank.jsonl", "\n  \n"),
                                           ("header.csv", "prompt,response\n"), ("empty.txt", "\n\n")])
def test_empty_dataset(tmp_path, name, content):
    err = error_for(tmp_path / name, content)
    assert f"{name} has no examples" in err.what


def test_wrong_role_name(tmp_path):
    err = error_for(tmp_path / "roles.jsonl", GOOD + "\n" + messages_line(("user", "Hi"), ("bot", "Hello.")) + "\n")
    assert "roles.jsonl, line 2, field 'messages[1].role': unknown role 'bot'" in err.what
    assert "system, user, assistant" in err.why


def test_wrong_sharegpt_role(tmp_path):
    err = error_for(tmp_path / "chat.json", '[{"conversations": [{"from": "human", "value": "Hi"}, '
                                            '{"from": "model", "value": "Hello."}]}]')
    assert "chat.json, record 1, field 'conversations[1].from': unknown role 'model'" in err.what


def test_empty_content(tmp_path):
    err = error_for(tmp_path / "empty.jsonl", messages_line(("user", "Hi"), ("assistant", "  ")) + "\n")
    assert "empty.jsonl, line 1, field 'messages[1].content': empty content" in err.what


def test_non_text_content(tmp_path):
    err = error_for(tmp_path / "parts.jsonl", '{"messages": [{"role": "user", "content": [{"type": "text"}]}]}\n')
    assert "parts.jsonl, line 1, field 'messages[0].content': must be text, got list" in err.what


def test_conversation_without_assistant_turn(tmp_path):
    err = error_for(tmp_path / "noanswer.jsonl", GOOD + "\n" + messages_line(("system", "S"), ("user", "Hi")) + "\n")
    assert "noanswer.jsonl, line 2, field 'messages': the conversation has no assistant turn" in err.what


def test_binary_file(tmp_path):
    err = error_for(tmp_path / "data.jsonl", b"PK\x03\x04\x00\x00binary")
    assert "data.jsonl is not a text file" in err.what


def test_non_utf8_file_names_the_line(tmp_path):
    err = error_for(tmp_path / "latin1.csv", "prompt,response\nCaf\xe9,ok\n".encode("latin-1"))
    assert "latin1.csv, line 2: not UTF-8" in err.what and "UTF-8" in err.fix


def test_missing_file_and_folder(tmp_path):
    for missing in (tmp_path / "nope.jsonl", tmp_path / "nofolder"):
        with pytest.raises(LabError, match="does not exist") as caught:
            read_dataset(missing)
        assert str(missing) in caught.value.what


def test_folder_without_train_file_lists_its_files(tmp_path):
    (tmp_path / "data.jsonl").write_text(GOOD)
    (tmp_path / "train.parquet").write_bytes(b"PAR1")
    with pytest.raises(LabError, match="one train file") as caught:
        read_dataset(tmp_path)
    assert "data.jsonl, train.parquet" in caught.value.why


def test_unknown_extension(tmp_path):
    err = error_for(tmp_path / "data.parquet", "x")
    assert "data.parquet: unknown file type '.parquet'" in err.what and ".jsonl" in err.why


def test_unknown_format_and_bad_fraction(tmp_path):
    path = tmp_path / "ok.jsonl"
    err = error_for(path, GOOD, fmt="chatml")
    assert "Unknown data format 'chatml'" in err.what and "sharegpt" in err.why
    with pytest.raises(LabError, match="validation_fraction"):
        read_dataset(path, validation_fraction=1)


def test_txt_cannot_be_forced_to_a_chat_format(tmp_path):
    err = error_for(tmp_path / "notes.txt", "Some text.", fmt="messages")
    assert "notes.txt: a .txt file is plain text" in err.what


def test_json_that_is_not_a_list(tmp_path):
    err = error_for(tmp_path / "obj.json", '{\n  "data": []\n}')
    assert "obj.json: not a list of records" in err.what


def test_forced_chat_format_on_other_records(tmp_path):
    err = error_for(tmp_path / "qa.jsonl", '{"prompt": "Hi", "response": "Hello."}\n', fmt="messages")
    assert "qa.jsonl, line 1, field 'messages': must be a non-empty list" in err.what and "missing" in err.why
