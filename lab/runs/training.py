"""One training run, inside the worker process: model + method + data -> Trainer -> the run folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from lab.runs.store import Run


def build_datasets(config, tokenizer, splits):
    from datasets import Dataset

    from lab.data import tokenize_examples

    train_rows, stats = tokenize_examples(tokenizer, splits.train, config.max_length, config.answer_only)
    validation = splits.validation[: config.max_validation_examples]
    eval_rows = tokenize_examples(tokenizer, validation, config.max_length, config.answer_only)[0] if validation else []
    eval_rows.sort(key=lambda row: len(row["input_ids"]))  # batches of similar length: little padding to score
    stats = {**stats, "format": splits.format, "validation_examples": len(eval_rows)}
    return Dataset.from_list(train_rows), Dataset.from_list(eval_rows) if eval_rows else None, stats


def training_arguments(config, run: Run, device: str, has_eval: bool, resume: bool, step_zero_known: bool = False):
    """`device` is the kind, cpu or cuda; with several processes accelerate gives each rank its own."""
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=str(run.checkpoints_dir),
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size,
        gradient_accumulation_steps=config.gradient_accumulation,
        learning_rate=config.learning_rate,
        warmup_steps=config.warmup_steps,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps or -1,
        logging_steps=1,
        eval_strategy="steps" if has_eval else "no",
        # the base model's validation loss, the curve's starting point (unless an earlier run's is reused)
        eval_on_start=has_eval and not resume and not step_zero_known,
        eval_steps=config.eval_steps,
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=2,
        seed=config.seed,
        report_to="none",
        disable_tqdm=True,
        use_cpu=device == "cpu",
        bf16=device == "cuda" and torch.cuda.is_bf16_supported() and config.precision != "fp32",
        activation_checkpointing=config.gradient_checkpointing,
        # non-reentrant: it needs no input that requires grad, so frozen embeddings (peft methods) work too
        activation_checkpointing_kwargs={"use_reentrant": False} if config.gradient_checkpointing else None,
        include_num_input_tokens_seen="non_padding",
        remove_unused_columns=False,
        dataloader_num_workers=0,
        fsdp=config.strategy == "fsdp",
    )


def trackers(config, run: Run) -> list:
    """The Trainer's own loggers the user asked for (report_to), writing into the run folder."""
    if config.report_to != "tensorboard":
        return []
    from torch.utils.tensorboard import SummaryWriter
    from transformers.integrations import TensorBoardCallback

    return [TensorBoardCallback(SummaryWriter(log_dir=str(run.path / "tensorboard")))]


@dataclass
class Trained:
    """What a run's training leaves: its final state, the tuned model, and `finish(known_facts)`, which writes the
    before/after report from what training computed (a chat run whose method starts as the base, in one process:
    its step 0 is the "before", its last evaluation and answers the "after"), or None: the report then loads the
    base and the result afresh (lab.results.evaluation.evaluate_runs)."""

    state: str
    model: object
    finish: Callable[[dict], dict] | None = None


def train(run: Run, resume: bool = False) -> tuple[str, object]:
    """Train to the end (or a stop request) and save the result; the final state and the tuned model."""
    trained = train_run(run, resume)
    return trained.state, trained.model


def train_run(run: Run, resume: bool = False, imported_s: float = 0.0) -> Trained:
    """train, and what the report needs (see Trained). `imported_s`: how long the worker took to import before
    this, so the run's start is measured whole (lab.runs.timeline keeps it for the next estimate)."""
    import time

    entered = time.time()
    from transformers import DataCollatorForSeq2Seq, DataCollatorWithPadding

    from lab.models import load_model
    from lab.models.loading import default_device
    from lab.runs import classification, distributed, step_zero
    from lab.runs.callbacks import RunFolderCallback
    from lab.runs import timeline
    from lab.runs.estimate import resolve_precision
    from lab.runs.model_card import write_model_card
    from lab.runs.sampling import LengthBatchTrainer
    from lab.runs.samples import answerer

    config = resolve_precision(run.train_config())  # a config.json written elsewhere may still say auto
    method = config.method_config()
    classify = config.task == "classify"
    splits = config.read_data()
    torch.manual_seed(config.seed)  # a classifier's new head: the same one lab.results.adapters.load_base rebuilds
    device = default_device()
    # one GPU per rank (a quantised model must sit on its rank's GPU before DDP wraps it)
    place = f"cuda:{distributed.local_rank()}" if device == "cuda" and distributed.world_size() > 1 else device
    model, tokenizer, info = load_model(config.model, config.precision, device=place,
                                        labels=splits.labels if classify else None)
    torch.manual_seed(config.seed)
    model = method.apply(model, config.precision)
    if classify:
        train_data, eval_data, stats = classification.build_datasets(config, tokenizer, splits)
        collator = DataCollatorWithPadding(tokenizer)
    else:
        train_data, eval_data, stats = build_datasets(config, tokenizer, splits)
        collator = DataCollatorForSeq2Seq(tokenizer, padding=True, label_pad_token_id=-100)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    answer = answerer(config, splits, tokenizer)
    in_process = (step_zero.cacheable(config) and eval_data is not None and answer is not None
                  and config.report_examples > 0 and distributed.world_size() == 1)
    reported = min(config.report_examples, len(answer.examples)) if in_process else 0
    known = None
    if in_process:
        key = step_zero.key(config, splits.validation, reported)
        known = (key, step_zero.lookup(key))
    callback = RunFolderCallback(run, trainable, info.parameters, stats, samples=answer,
                                 precision=(config.precision, config.precision_reason), shown=config.samples,
                                 reported=reported,
                                 schedule=timeline.schedule(config, known[1] if known else None, device),
                                 step_zero=known)
    trainer = LengthBatchTrainer(
        model=model,
        args=training_arguments(config, run, device, eval_data is not None, resume, bool(known and known[1])),
        train_dataset=train_data,
        eval_dataset=eval_data,
        data_collator=collator,
        processing_class=tokenizer,
        compute_metrics=classification.compute_metrics if classify else None,
        callbacks=[callback, *trackers(config, run)],
        answer_logits_only=not classify and not method.lengthens_sequence,
    )
    checkpoint = run.last_checkpoint() if resume else None
    started = time.time()  # the model loaded, the data tokenised: the run's start is over
    trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    stopped = callback.stopped  # the same on every rank, so they all evaluate (a collective) or none does
    if eval_data is not None and not stopped and trainer.state.global_step % config.eval_steps:
        trainer.evaluate()  # the final score, unless the last step was an evaluation step already
    if config.strategy == "fsdp":
        trainer.save_model(str(run.adapter_dir))  # every rank sends its shards; rank 0 writes the whole model
    if trainer.is_world_process_zero():
        if config.strategy != "fsdp":
            model.save_pretrained(run.adapter_dir)
        (run.adapter_dir / "training_args.bin").unlink(missing_ok=True)  # a pickle save_model adds; results hold none
        tokenizer.save_pretrained(run.adapter_dir)
        write_model_card(run, info, trainable)
    state = "stopped" if stopped else "completed"
    if trainer.is_world_process_zero():
        tokens = sum(len(ids) for ids in eval_data["input_ids"]) if eval_data is not None else 0
        timeline.keep(config, device, callback.schedule, imported_s + started - entered, tokens, config.samples)
    if not in_process or callback.base_answers is None:
        return Trained(state, model)

    def finish(known_facts: dict) -> dict:
        """The report from training's own numbers; a stopped run first scores and answers where it stopped."""
        from lab.results.evaluation import report_from_training

        if callback.final_answers is None:
            trainer.evaluate()  # the eval and sample events at the stop step, then the answers below
        before = {"loss": callback.first_eval_loss, "answers": callback.base_answers}
        after = {"loss": callback.eval_loss, "answers": callback.final_answers}
        return report_from_training(run, answer.examples[:reported], before, after, config.sample_new_tokens,
                                    len(eval_data), known_facts)

    return Trained(state, model, finish)
