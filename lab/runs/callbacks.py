"""The Trainer callback that turns training into run-folder events and honours stop requests.

Every rank runs it; only rank 0 writes, and rank 0's stop decision is broadcast so all ranks stop together."""

from __future__ import annotations

import math
import time
from collections import deque

import torch
from transformers import TrainerCallback

from lab.errors import LabError
from lab.logs import log_failure
from lab.runs import distributed
from lab.runs.store import Run
from lab.runs.timeline import Schedule


SMOOTHING_STEPS = 10  # tokens/s and the ETA are read over this many recent steps, so they do not jump
DIVERGED = 1.5  # a validation loss this many times the first one means the run diverged: it ends there


class RunFolderCallback(TrainerCallback):
    def __init__(self, run: Run, trainable_params: int, total_params: int, data_stats: dict, samples=None,
                 precision: tuple[str, str] = ("", ""), shown: int = 3, reported: int = 0,
                 schedule: Schedule | None = None, step_zero: tuple[str, dict | None] | None = None):
        """`samples(model, count)` answers the run's first `count` prompts (lab.runs.samples.Answerer); None: no
        samples. Sample events show `shown` of them; step 0 and the last pass answer `reported` (the report's).
        `precision`: what the run trains in and why (auto's reason), for the start event. `step_zero`: (key, an
        earlier run's step 0 or None) when step 0 can be cached (lab.runs.step_zero)."""
        self.run = run
        self.samples = samples
        self.shown, self.reported = shown, reported
        self.schedule = schedule or Schedule()
        self.step_zero = step_zero
        self.start_fields = {"trainable_params": trainable_params, "total_params": total_params, "data": data_stats,
                             "precision": precision[0], "precision_reason": precision[1]}
        self.last_time = time.time()
        self.last_tokens = 0
        self.recent = deque(maxlen=SMOOTHING_STEPS)  # (seconds, tokens) of each recent step, evaluations left out
        self.stopped = False
        self.first_eval_loss = None
        self.eval_loss = None  # the latest validation loss
        self.base_answers = None  # step 0's answers to the reported prompts: the report's "before"
        self.final_answers = None  # the last pass's: the report's "after"
        self.generator = None  # torch's generator state before step 0 (see on_train_begin)

    def on_train_begin(self, args, state, control, **kwargs):
        self.last_time = time.time()
        self.last_tokens = state.num_input_tokens_seen
        if state.is_world_process_zero:
            self.run.append_event({"type": "start", "step": state.global_step, "max_steps": state.max_steps,
                                   "world_size": args.world_size, **self.start_fields})
        # step 0's scoring and answering draw from torch's generator (each data loader takes a seed): put it back
        # after them, so a run that reuses a kept step 0 trains exactly as one that computed it
        self.generator = torch.random.get_rng_state() if state.global_step == 0 else None
        key, known = self.step_zero or (None, None)
        if known and state.global_step == 0:  # an earlier run started here: its numbers, without computing them
            self.first_eval_loss = self.eval_loss = known["eval_loss"]
            self.base_answers = known["answers"]
            if state.is_world_process_zero:
                self.run.append_event({"type": "eval", "step": 0, "eval_loss": known["eval_loss"],
                                       "perplexity": math.exp(min(known["eval_loss"], 50)), "cached": True})
                if self.shown and self.samples is not None:
                    self.run.append_event({"type": "sample", "step": 0, "seconds": 0.0, "cached": True,
                                           "rows": self.samples.rows(known["answers"][:self.shown])})

    def on_step_end(self, args, state, control, **kwargs):
        self.stopped = distributed.agree(state.is_world_process_zero and self.run.stop_requested())
        if self.stopped:
            if state.is_world_process_zero and self.run.state == "running":
                self.run.set_status("stopping", pid=self.run.status().get("pid"))
            control.should_training_stop = True
            control.should_save = True  # the checkpoint `lab resume` continues from

    def on_evaluate(self, args, state, control, model=None, **kwargs):
        started = time.time()
        first, last = state.global_step == 0, state.global_step >= state.max_steps or self.stopped
        count = self.reported if (first or last) and self.reported else self.shown
        if self.samples is not None and count:
            self.answer(state, model, count, first, last, started)
        if first and self.generator is not None:
            torch.random.set_rng_state(self.generator)

    def answer(self, state, model, count: int, first: bool, last: bool, started: float) -> None:
        """Answer the first `count` prompts: a sample event of the shown ones; step 0's answers are the report's
        before (and kept for the next run), the last pass's its after."""
        try:
            rows = self.samples(model, count)  # on every rank: an FSDP forward is collective
        except Exception as exc:  # samples are a view of training, never a reason to end it
            log_failure(exc)
            rows = None
        seconds = time.time() - started
        if rows is not None:
            setattr(self.schedule, "report_seconds" if count == self.reported else "answer_seconds", seconds)
            answers = [row["answer"] for row in rows]
            self.base_answers = answers if first else self.base_answers
            self.final_answers = answers if last else None
            key, known = self.step_zero or (None, None)
            if first and key and not known and state.is_world_process_zero and self.eval_loss is not None:
                from lab.runs import step_zero

                step_zero.store(key, self.eval_loss, answers, self.schedule.eval_seconds, seconds)
        if rows and self.shown and state.is_world_process_zero:
            self.run.append_event({"type": "sample", "step": state.global_step, "seconds": round(seconds, 2),
                                   "rows": rows[:self.shown]})
        self.last_time = time.time()  # the next step's time leaves the answering out

    def on_save(self, args, state, control, **kwargs):
        self.schedule.save_seconds = time.time() - self.last_time  # measured, for the ETA
        self.last_time = time.time()  # a checkpoint's save time is not training speed either

    def check_diverging(self, loss: float, step: int, learning_rate: float) -> None:
        """End a run whose validation loss is no number or has risen far above where it began: more steps
        only waste the device (every rank sees the same loss, so all end together)."""
        self.first_eval_loss = self.first_eval_loss or loss
        if math.isfinite(loss) and loss <= DIVERGED * self.first_eval_loss:
            return
        raise LabError(
            f"The validation loss rose from {self.first_eval_loss:.4g} to {loss:.4g} by step {step}: the run diverged.",
            "The learning rate is usually too high for this method and precision.",
            f"Lower learning_rate (it is {learning_rate:g}) by 3-10x; the method's recipe rate is a safe start.",
        )

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = logs or {}
        now = time.time()
        if "eval_loss" in logs:
            loss = self.eval_loss = logs["eval_loss"]
            if state.is_world_process_zero:
                scores = {k.removeprefix("eval_"): v for k, v in logs.items() if k in ("eval_accuracy", "eval_f1")}
                self.run.append_event({"type": "eval", "step": state.global_step, "eval_loss": loss,
                                       "perplexity": math.exp(min(loss, 50)), **scores})
            self.schedule.eval_seconds = now - self.last_time  # measured: it ran since the last record
            self.last_time = now  # the next step's time leaves the evaluation out
            self.check_diverging(loss, state.global_step, args.learning_rate)
            return
        if "loss" not in logs:
            return
        loss = logs["loss"]
        if not math.isfinite(loss):
            raise LabError(
                f"The training loss became {loss} at step {state.global_step}.",
                "The updates diverged; the learning rate is usually too high for this method and precision.",
                f"Lower learning_rate (it is {args.learning_rate}) by 10x, or add warmup_steps.",
            )
        if not state.is_world_process_zero:
            return
        tokens = state.num_input_tokens_seen  # summed over the ranks by the Trainer
        self.recent.append((max(now - self.last_time, 1e-9), tokens - self.last_tokens))
        self.schedule.step_seconds += self.recent[-1][0]  # the whole run's pace, kept for the next estimate
        self.schedule.step_tokens += self.recent[-1][1]
        seconds = sum(s for s, _ in self.recent)
        self.run.append_event({
            "type": "train",
            "step": state.global_step,
            "epoch": round(state.epoch or 0, 4),
            "loss": loss,
            "lr": logs.get("learning_rate"),
            "grad_norm": logs.get("grad_norm"),
            "tokens": tokens,
            "tokens_per_s": round(sum(n for _, n in self.recent) / seconds, 1),
            # the steps left at the recent pace, and every evaluation, answer pass, checkpoint and the report to come
            "eta_s": round(seconds / len(self.recent) * (state.max_steps - state.global_step)
                           + self.schedule.seconds_after(state.global_step, state.max_steps), 1),
        })
        self.last_time, self.last_tokens = now, tokens
