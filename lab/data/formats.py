"""The record formats the lab reads, and how each record becomes one internal `Example`."""

from __future__ import annotations

from dataclasses import dataclass

from lab.errors import LabError

FORMATS = {
    "messages": 'chat messages: {"messages": [{"role": "system"|"user"|"assistant", "content": ...}, ...]}',
    "sharegpt": 'ShareGPT: {"conversations": [{"from": "system"|"human"|"gpt", "value": ...}, ...]}',
    "alpaca": "instruction, optional input, output",
    "text": 'plain text: {"text": ...} records, or a .txt file of blank-line separated paragraphs',
    "columns": "a prompt and a response column (optional system column), e.g. question/answer",
}
ROLES = ("system", "user", "assistant")
SHAREGPT_ROLES = {"system": "system", "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant"}
# Prompt/response column pairs recognised without a mapping, tried in order.
COLUMN_PAIRS = [("prompt", "response"), ("prompt", "completion"), ("question", "answer"),
                ("instruction", "output"), ("input", "output")]


@dataclass
class Example:
    """One training example: a conversation (loss on the assistant turns) or plain text (loss on all of it)."""

    messages: list[dict] | None = None
    text: str | None = None

    def __post_init__(self):
        if (self.messages is None) == (self.text is None):
            raise LabError("An example needs exactly one of messages or text.",
                           f"Got messages={self.messages!r}, text={self.text!r}.", "Set one of the two.")


@dataclass(frozen=True)
class Columns:
    """Which record fields hold what, for the column-like formats (alpaca, columns, text)."""

    prompt: str | None = None
    response: str | None = None
    system: str | None = None
    text: str | None = None
    input: str | None = None  # alpaca's optional input, appended to the instruction


def choose_columns(*roles: str, first: bool = False) -> str:
    """The words of a fix that names the column mapping every face offers: the Data tab (and the Train tab after
    it), the Data panel, `--columns` of `lab data` and `lab train` (plan_run's and describe_data's `columns`);
    `first`: it starts the sentence."""
    return (f"{'Choose' if first else 'choose'} the {' and '.join(roles)} column{'s' * (len(roles) > 1)} "
            f"(Data tab, Data panel, or --columns {','.join(f'{role}=…' for role in roles)})")


def field_error(where: str, field: str, problem: str, why: str, fix: str) -> LabError:
    return LabError(f"{where}, field '{field}': {problem}", why, fix)


def find_key(keys, name: str) -> str | None:
    """The record's own spelling of a column name; headers differ in case and stray spaces."""
    wanted = name.strip().lower()
    return next((k for k in keys if isinstance(k, str) and k.strip().lower() == wanted), None)


def detect_format(record: dict, given: Columns, where: str) -> str:
    if given.prompt or given.response:
        return "columns"
    if given.text:
        return "text"
    if "messages" in record:
        return "messages"
    if "conversations" in record:
        return "sharegpt"
    if find_key(record, "instruction") and find_key(record, "output"):
        return "alpaca"
    if any(find_key(record, p) and find_key(record, r) for p, r in COLUMN_PAIRS):
        return "columns"
    if find_key(record, "text"):
        return "text"
    raise LabError(
        f"{where}: the record has no known format.",
        f"Its fields are: {_names(record)}. The lab reads " + "; ".join(FORMATS.values()) + ".",
        f"{choose_columns('prompt', 'response', first=True)}, or rename the fields to one of these formats.",
    )


def resolve_columns(fmt: str, record: dict, given: Columns, where: str) -> Columns:
    """The actual field names the records use for this format; fails early, listing the columns found."""
    if fmt in ("messages", "sharegpt"):
        return Columns()
    if fmt == "text":
        return Columns(text=_require(record, given.text or "text", "text", where))
    if fmt == "alpaca":
        prompt, response = "instruction", "output"
    else:
        pairs = [(p, r) for p, r in COLUMN_PAIRS if find_key(record, p) and find_key(record, r)]
        pair = pairs[0] if pairs else ("prompt", "response")
        prompt, response = given.prompt or pair[0], given.response or pair[1]
    return Columns(
        prompt=_require(record, prompt, "prompt", where),
        response=_require(record, response, "response", where),
        system=_require(record, given.system, "system", where) if given.system else find_key(record, "system"),
        input=find_key(record, "input") if fmt == "alpaca" else None,
    )


def _require(record: dict, name: str, role: str, where: str) -> str:
    key = find_key(record, name)
    if key is None:
        fix = {"prompt": f"Rename a column to '{name}', or {choose_columns('prompt', 'response')}.",
               "response": f"Rename a column to '{name}', or {choose_columns('prompt', 'response')}.",
               "system": f"{choose_columns('system', first=True)}, or leave it empty for none.",
               }.get(role, f"Rename a column to '{name}', or pass {role}_column=<the column that holds it>.")
        raise field_error(where, name, "no such column.", f"The columns found are: {_names(record)}.", fix)
    return key


def _names(record: dict) -> str:
    return ", ".join(map(str, record)) or "none"


def text_field(value, where: str, field: str) -> str:
    if value is None:
        raise field_error(where, field, "missing.", "Every record needs this field.", f"Add '{field}' to the record.")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise field_error(where, field, f"must be text, got {type(value).__name__}.", "Only text can be trained on.",
                          "Store this field as a string.")
    if not value.strip():
        raise field_error(where, field, "empty content.", "An empty turn teaches nothing and breaks the masking.",
                          "Fill it in or remove the record.")
    return value


def _turns(record: dict, where: str, key: str, role_key: str, content_key: str, roles: dict) -> list[dict]:
    turns = record.get(key)
    if not isinstance(turns, list) or not turns:
        got = "It is missing." if turns is None else f"Got {type(turns).__name__}."
        raise field_error(where, key, "must be a non-empty list of turns.", got, f"Write '{key}' as a list of {{'{role_key}': ..., '{content_key}': ...}} objects.")
    messages = []
    for i, turn in enumerate(turns):
        field = f"{key}[{i}]"
        if not isinstance(turn, dict):
            raise field_error(where, field, "must be an object.", f"Got {type(turn).__name__}.",
                              f"Write each turn as {{'{role_key}': ..., '{content_key}': ...}}.")
        role = turn.get(role_key)
        if not isinstance(role, str) or role not in roles:
            raise field_error(where, f"{field}.{role_key}", f"unknown role {role!r}.",
                              f"Roles must be one of: {', '.join(roles)}.", "Rename the role.")
        content = text_field(turn.get(content_key), where, f"{field}.{content_key}")
        messages.append({"role": roles[role], "content": content})
    if not any(m["role"] == "assistant" for m in messages):
        raise field_error(where, key, "the conversation has no assistant turn.",
                          "Training learns the assistant's answers; without one there is nothing to learn.",
                          "Add the answer as an assistant turn, or drop the record.")
    return messages


def to_example(record: dict, fmt: str, columns: Columns, where: str) -> Example:
    if fmt == "messages":
        return Example(messages=_turns(record, where, "messages", "role", "content", {r: r for r in ROLES}))
    if fmt == "sharegpt":
        return Example(messages=_turns(record, where, "conversations", "from", "value", SHAREGPT_ROLES))
    if fmt == "text":
        return Example(text=text_field(record.get(columns.text), where, columns.text))
    user = text_field(record.get(columns.prompt), where, columns.prompt)
    extra = record.get(columns.input) if columns.input else None
    if extra is not None and str(extra).strip():
        user += "\n\n" + text_field(extra, where, columns.input)
    messages = [{"role": "user", "content": user},
                {"role": "assistant", "content": text_field(record.get(columns.response), where, columns.response)}]
    system = record.get(columns.system) if columns.system else None
    if system is not None and str(system).strip():
        messages.insert(0, {"role": "system", "content": text_field(system, where, columns.system)})
    return Example(messages=messages)
