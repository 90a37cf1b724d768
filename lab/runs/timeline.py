"""Everything a run spends time on besides its training steps: starting the worker (imports, the model's load,
tokenising), the evaluations, the answers to the sample prompts after each one (the last pass answering the
report's prompts too), the checkpoints and the finish (the result saved, the report written). The estimate and
the ETA count all of it. Each cost is predicted from this device's probe until a run measures it: every run
records what its parts cost here (`LAB_HOME/probes/costs-<device>.json`, per model and precision), and a run
that starts where an earlier one started reuses that one's step 0 (lab.runs.step_zero)."""

from __future__ import annotations

from dataclasses import dataclass

from lab.runs.store import read_json, write_json_atomic

IMPORT_SECONDS = 6.0  # a worker's Python imports (torch, transformers, peft, datasets) on a 2-core CPU, measured
LOAD_BYTES_PER_SECOND = 300e6  # reading and converting the weights at load
SAVE_SECONDS = 0.5  # a LoRA-sized checkpoint; a whole model's grows with its weights (below)
SAVE_BYTES_PER_SECOND = 200e6
# a batched answer pass grows slower than its rows: 10 prompts took 2.2-2.9x the time of 3 (SmolLM2, 48 tokens)
ROWS_EXPONENT = 0.75
GENERATE_STEP_LAYERS = 2.0  # a generated token's forward costs about this many training steps' per-layer overhead


@dataclass
class Schedule:
    """What a run does besides its steps, so its ETA counts everything left: an evaluation every `eval_steps` (and
    at the end), each followed by a pass answering the sample prompts (the last one answering the report's
    `reported` prompts too), a checkpoint every `save_steps`, and `finish_seconds` to save the result and write
    the report. Each cost comes from earlier runs here (`schedule`) until the run measures its own."""

    eval_steps: int = 0  # 0: no evaluations (no validation data)
    save_steps: int = 0
    eval_seconds: float = 0.0
    answer_seconds: float = 0.0  # a pass answering the sample prompts
    report_seconds: float = 0.0  # the last pass, which answers the report's prompts too
    save_seconds: float = 0.0
    finish_seconds: float = 0.0
    step_seconds: float = 0.0  # measured: the run's steps so far, and the tokens they trained
    step_tokens: int = 0

    def seconds_after(self, step: int, max_steps: int) -> float:
        """The evaluations, answers and saves still to come once `step` is logged, and the finish."""
        def due(every):  # how many of its steps lie in [step, max_steps]: this step's come after its log record
            return max_steps // every - (step - 1) // every if every and step else 0

        evaluations = due(self.eval_steps) + (1 if self.eval_steps and max_steps % self.eval_steps else 0)
        last = self.report_seconds or self.answer_seconds  # the last pass answers the report's prompts too
        answers = max(evaluations - 1, 0) * self.answer_seconds + (last if evaluations else 0.0)
        return (evaluations * self.eval_seconds + answers + due(self.save_steps) * self.save_seconds
                + self.finish_seconds)


def _path(device: str):
    from lab.home import lab_home
    from lab.runs.probe import device_key

    return lab_home() / "probes" / f"costs-{device_key(device)}.json"


def _key(config) -> str:
    return f"{config.model}|{config.precision}|{config.method}"


def measured(config, device: str) -> dict:
    """What earlier runs of this model, precision and method measured here: start_s, train_s_per_token (a step's
    time per token it trains), eval_s_per_token, answer_s_per_token (a generated token's step, per prompt in the
    batch), save_s."""
    return (read_json(_path(device), {}) or {}).get(_key(config), {})


def record(config, device: str, **values) -> None:
    """Keep a run's measured costs for the next estimate (the newest measurement wins)."""
    path = _path(device)
    path.parent.mkdir(parents=True, exist_ok=True)
    costs = read_json(path, {}) or {}
    kept = {k: round(v, 6) if isinstance(v, float) else v for k, v in values.items() if v}
    costs[_key(config)] = {**costs.get(_key(config), {}), **kept}
    write_json_atomic(path, costs)


def pace_setup(config) -> str:
    """What a step's time per token depends on besides the model, precision and method."""
    return f"batch {config.batch_size}x{config.gradient_accumulation}, checkpointing {config.gradient_checkpointing}"


def measured_training(config, device: str, tokens: int) -> float | None:
    """The training steps' time at the pace an earlier run of this setup measured here, or None."""
    costs = measured(config, device)
    if costs.get("train_s_per_token") and costs.get("train_setup") == pace_setup(config):
        return tokens * costs["train_s_per_token"]
    return None


def beyond_steps(config, splits, device: str) -> dict:
    """What the run does besides its steps and what it knows of it: the sample prompts it shows, the report's
    prompts it answers in its last pass, and an earlier run's step 0 it reuses (lab.runs.step_zero)."""
    from lab.runs import step_zero
    from lab.runs.samples import answerable

    chat = config.task == "chat"
    prompts = sum(1 for e in splits.validation if answerable(e.messages)) if chat else len(splits.validation)
    in_process = step_zero.cacheable(config) and config.report_examples > 0 and prompts > 0 and config.processes == 1
    reported = min(config.report_examples, prompts) if in_process else 0
    known = step_zero.lookup(step_zero.key(config, splits.validation, reported)) if in_process else None
    return {"device": device, "known": known, "shown": min(config.samples, prompts), "reported": reported,
            "report_elsewhere": config.report_examples if not in_process and prompts else 0}


def answer_pass_seconds(count: int, new_tokens: int, params: int, layers: int, speed: dict, costs: dict) -> float:
    """A greedy batched pass answering `count` prompts up to `new_tokens` tokens each."""
    if costs.get("answer_s_per_token"):
        per_step = costs["answer_s_per_token"] * max(count, 1) ** ROWS_EXPONENT
    else:  # each generated token: a forward of `count` rows, dominated by per-layer overhead on a CPU
        per_step = GENERATE_STEP_LAYERS * speed["layer_step_s"] * layers + 2 * params * count / speed["matmul_flops"]
    return new_tokens * per_step


def predicted(config, params: int, layers: int, steps: int, eval_pass_s: float, validation_tokens: int,
              speed: dict, device: str, known: dict | None, shown: int, reported: int, trained_params: int) -> dict:
    """Seconds per part besides the training steps: {start, evaluations, answers, checkpoints, finish}. `known`:
    an earlier run's step 0 for this run (lab.runs.step_zero), which this run then skips."""
    costs = measured(config, device)
    weight_bytes = params * (2 if config.precision == "bf16" else 4)
    start = costs.get("start_s") or IMPORT_SECONDS + weight_bytes / LOAD_BYTES_PER_SECOND
    evaluations = (steps // config.eval_steps + (1 if steps % config.eval_steps else 0)) if eval_pass_s else 0
    if known:
        per_eval = known["eval_seconds"]
    elif costs.get("eval_s_per_token") and eval_pass_s:
        per_eval = costs["eval_s_per_token"] * validation_tokens
    else:
        per_eval = eval_pass_s
    shown_pass = answer_pass_seconds(shown, config.sample_new_tokens, params, layers, speed, costs) if shown else 0
    report_pass = known["answer_seconds"] if known else (
        answer_pass_seconds(reported, config.sample_new_tokens, params, layers, speed, costs) if reported else 0)
    last_pass = report_pass or shown_pass
    step_zero = 0.0 if known or not eval_pass_s else per_eval + last_pass
    save = costs.get("save_s") or SAVE_SECONDS + trained_params * 12 / SAVE_BYTES_PER_SECOND  # weights + Adam
    return {"start": start,
            "evaluations": evaluations * per_eval + (step_zero and per_eval),
            "answers": (max(evaluations - 1, 0) * shown_pass + (last_pass if evaluations else 0)
                        + (step_zero and last_pass)),
            "checkpoints": steps // config.save_steps * save,
            "finish": save}


def schedule(config, known: dict | None, device: str) -> Schedule:
    """The worker's plan of its remaining parts for the ETA, from the costs measured so far (the run replaces each
    with its own as it measures it)."""
    costs = measured(config, device)
    return Schedule(eval_steps=config.eval_steps, save_steps=config.save_steps,
                    eval_seconds=known["eval_seconds"] if known else 0.0,
                    answer_seconds=(costs.get("answer_s_per_token", 0.0) * config.sample_new_tokens
                                    * max(config.samples, 1) ** ROWS_EXPONENT),
                    report_seconds=known["answer_seconds"] if known else 0.0,
                    save_seconds=costs.get("save_s", SAVE_SECONDS),
                    finish_seconds=costs.get("save_s", SAVE_SECONDS))


def keep(config, device: str, schedule_: Schedule, start_s: float, validation_tokens: int, shown: int) -> None:
    """A finished run's measured costs, for the next estimate."""
    record(config, device, start_s=start_s, train_setup=pace_setup(config),
           train_s_per_token=schedule_.step_seconds / schedule_.step_tokens if schedule_.step_tokens else None,
           eval_s_per_token=schedule_.eval_seconds / validation_tokens if validation_tokens else None,
           answer_s_per_token=(schedule_.answer_seconds / config.sample_new_tokens / max(shown, 1) ** ROWS_EXPONENT
                               if schedule_.answer_seconds else None),
           save_s=schedule_.save_seconds)

