"""The lab in the browser: model, data, train, runs, compare, chat and evaluate, all views over the run store.

    lab app [--host 127.0.0.1] [--port 7860] [--share --auth USER:PASS]   or   python -m apps.app
"""

from __future__ import annotations

import gradio as gr

import lab
from apps import demo as demo_page
from apps import fields
from apps import handlers as h
from lab import defaults as d

CSS = (".lab-compare td {vertical-align: top; padding: 6px} .lab-compare mark {background: #fde68a} "
       ".lab-leaderboard td:last-child {overflow-wrap: anywhere}")  # a long answer without spaces wraps
# Chat, compare, evaluate, predict and merge run in the app's model process (apps/model_work.py), one at a time:
# more at once than there are cores only split the CPU thinner.
MODEL_WORK = dict(concurrency_id="model", concurrency_limit=1)


def generation_controls(new_tokens: int):
    with gr.Accordion("Generation settings", open=False):
        return [
            fields.Slider(1, 512, value=new_tokens, step=1, label="max new tokens"),
            fields.Slider(0, 2, value=d.GENERATION["temperature"], step=0.05, label="temperature (0 = greedy)"),
            fields.Slider(0.05, 1, value=d.GENERATION["top_p"], step=0.05, label="top p"),
            fields.Slider(0, 200, value=d.GENERATION["top_k"], step=1, label="top k"),
            fields.Slider(0.5, 2, value=d.GENERATION["repetition_penalty"], step=0.05, label="repetition penalty"),
            fields.Number(value=d.GENERATION["seed"], precision=0, label="seed"),
        ]


def build(default_model: str = lab.DEFAULT_MODEL, default_precision: str = d.PRECISION) -> gr.Blocks:
    with gr.Blocks(title="lab — tuning lab") as demo:
        gr.Markdown("# lab\nTune a language model, watch it learn, and see what changed.")
        with gr.Row():
            model = fields.Dropdown(lab.model_names(), value=default_model, label="model", allow_custom_value=True,
                                info="a bundled model or a local model folder")
            precision = fields.Dropdown(list(lab.PRECISIONS), value=default_precision, label="precision")

        with gr.Tabs() as tabs:
            with gr.Tab("Model"):
                load_button = gr.Button("Load", variant="primary")
                model_summary = gr.Markdown()
                model_info = gr.JSON(label="details")
                load_button.click(h.load, [model, precision], [model_summary, model_info], api_name="model_load")

            with gr.Tab("Data"):
                with gr.Row():
                    sample = fields.Dropdown(list(d.SAMPLE_SETS), value=d.DATA, label="data", allow_custom_value=True,
                                         info="the sample set, or a data file or folder on this machine")
                    upload = gr.File(label="or upload (JSONL, JSON, CSV, TXT)",
                                     file_types=[".jsonl", ".json", ".csv", ".txt"])
                    max_length = fields.Number(value=d.MAX_LENGTH, precision=0, label="max length (tokens)")
                    data_task = fields.Radio(list(lab.TASKS), value=d.TASK, label="task",
                                         info="classify: text and label columns, e.g. sample_data/topics")
                with gr.Row():  # which column holds what: the data's own columns, or detected (also for Train)
                    column_pickers = [fields.Dropdown([h.DETECTED], value="", label=f"{role} column", info=info,
                                                      allow_custom_value=True) for role, info in h.COLUMN_ROLES]
                preview_button = gr.Button("Preview")
                data_summary = gr.Markdown()
                data_table = gr.Dataframe(label="rendered examples", wrap=True)
                preview_button.click(h.preview_data, [model, sample, upload, max_length, data_task, *column_pickers],
                                     [data_summary, data_table], api_name="data_preview")
                gr.on([sample.change, upload.change], h.data_columns, [sample, upload, *column_pickers],
                      column_pickers, api_name=False, show_progress="hidden")

            with gr.Tab("Train", id="train"):
                with gr.Row():
                    task = fields.Radio(list(lab.TASKS), value=d.TASK, label="task",
                                    info="chat: tune the chat model; classify: text -> label "
                                         "(data: sample_data/topics)")
                    method = fields.Dropdown(list(lab.METHODS), value=d.METHOD, label="method")
                    max_steps = fields.Number(value=d.STEPS, precision=0, label="steps")
                    learning_rate = fields.Number(value=d.LEARNING_RATE, label="learning rate")
                    batch_size = fields.Number(value=d.BATCH_SIZE, precision=0, label="batch size")
                    processes = fields.Number(value=d.PROCESSES, precision=0, label="processes",
                                          info="torchrun: one per GPU (batch size is per process)")
                    strategy = fields.Dropdown(list(lab.STRATEGIES), value=d.STRATEGY, label="strategy",
                                           info="fsdp shards a full fine-tune")
                with gr.Row():
                    settings_text, help_text, _, _ = h.method_form(d.METHOD)  # the recipe: d.LEARNING_RATE, d.STEPS
                    method_settings = gr.Textbox(settings_text, lines=4, label="method settings")
                    method_help = gr.Markdown(help_text)
                with gr.Row():
                    estimate = gr.Button("Estimate")
                    force = gr.Checkbox(False, label="force", info="start even if the estimate says it will not fit")
                    tensorboard = gr.Checkbox(False, label="also log to TensorBoard",
                                              info="into the run folder's tensorboard/")
                    start = gr.Button("Start", variant="primary")
                    stop = gr.Button("Stop")
                    resume = gr.Button("Resume")
                # the data Start trains on, named: "chitchat.json: 270 train / 30 validation, ShareGPT"
                data_line = gr.Markdown(h.data_line(d.DATA, None), elem_id="lab-data-line")
                estimate_view = gr.Markdown()
                run_id = gr.Textbox(label="run")  # editable: paste a run id, or Follow one in the Runs tab
                progress = gr.Markdown()
                notice = gr.Markdown()
                report = gr.HTML()  # the before/after report, once the run ends
                curve = gr.Plot(label="loss")  # the same figure the Jupyter panel draws
                samples = gr.HTML(label="samples")  # the sample prompts' answers, step by step
                # a user's choice of method (or task) takes its recipe; a followed run's form keeps the run's own
                method.input(h.method_form, [method, task], [method_settings, method_help, learning_rate, max_steps],
                             api_name=False)
                task.input(h.recipe, [method, task], [learning_rate, max_steps], api_name=False)
                run_id.change(h.run_form, run_id, [model, precision, task, method, method_settings, method_help,
                                                   sample, max_steps, learning_rate, batch_size, max_length,
                                                   processes, strategy, tensorboard, *column_pickers], api_name=False)
                train_inputs = [model, precision, method, method_settings, sample, upload, max_steps, learning_rate,
                                batch_size, max_length, task]
                gr.on([sample.change, upload.change, task.change, *(p.change for p in column_pickers)], h.data_line,
                      [sample, upload, task, *column_pickers], data_line, api_name="data_line",
                      show_progress="hidden")
                estimate.click(h.train_estimate, [*train_inputs, processes, strategy, tensorboard, *column_pickers],
                               estimate_view, api_name="train_estimate")
                start.click(h.train_start, [*train_inputs, force, processes, strategy, tensorboard, *column_pickers],
                            run_id, api_name="train_start", concurrency_limit=1)
                stop.click(h.train_stop, run_id, notice, api_name="train_stop")
                resume.click(h.train_resume, run_id, run_id, api_name="train_resume")
                # The page polls the run folder: a refresh, a closed tab or an app restart re-attaches to the run.
                shown = gr.State()
                gr.Timer(1.0).tick(h.train_status, [run_id, shown], [run_id, progress, curve, samples, report, shown],
                                   api_name="train_status", show_progress="hidden",
                                   concurrency_limit=None)

            with gr.Tab("Experiments") as experiments_tab:
                gr.Markdown("Several runs, one after another, on the model and precision above and the Data tab's "
                            "data, task, max length and columns: which method works best on this data?")
                with gr.Row():
                    grid_methods = fields.CheckboxGroup(list(lab.METHODS), label="methods", info="none chosen = all")
                    all_methods = gr.Checkbox(False, label="all methods", info="every method the task offers")
                with gr.Row():
                    rates = gr.Textbox("1", label="learning-rate factors",
                                       info="multiples of each method's recipe rate, e.g. 0.3, 1, 3")
                    grid_steps = fields.Number(None, precision=0, label="steps per run",
                                           info="0 = each method's recipe")
                    grid_name = gr.Textbox(label="name", placeholder="optional")
                with gr.Row():
                    grid_start = gr.Button("Start experiment", variant="primary")
                    grid_stop = gr.Button("Stop experiment")
                picker = fields.Dropdown([], label="experiment", allow_custom_value=True)
                leaderboard = gr.HTML()
                with gr.Row():
                    grid_chart = gr.Plot(label="quality against train time")
                    grid_curves = gr.Plot(label="loss of the experiment's runs")
                grid_views = [leaderboard, grid_chart, grid_curves]
                grid_shown = gr.State()
                # model and precision from the page, data, task and max length from the Data tab
                grid_start.click(h.experiment_start, [model, precision, sample, upload, max_length, data_task,
                                                      grid_methods, all_methods, rates, grid_steps, grid_name,
                                                      *column_pickers],
                                 [picker, *grid_views, grid_shown], api_name="experiment_start",
                                 concurrency_limit=1).then(h.experiments, picker, picker, api_name=False)
                grid_stop.click(h.experiment_stop, picker, leaderboard, api_name="experiment_stop")
                picker.change(h.experiment, picker, [*grid_views, grid_shown], api_name="experiment",
                              show_progress="hidden")
                experiments_tab.select(h.experiments, picker, picker, api_name="experiments")
                gr.Timer(2.0).tick(h.experiment_tick, [picker, grid_shown], [*grid_views, grid_shown], api_name=False,
                                   show_progress="hidden")

            with gr.Tab("Runs") as runs_tab:
                runs_table = gr.Dataframe(h.runs, label="runs", interactive=False)
                with gr.Row():
                    refresh = gr.Button("Refresh")
                    chosen = fields.Dropdown([], multiselect=True, label="chosen runs", allow_custom_value=True,
                                         info="the buttons below act on the run picked last (its details and "
                                              "report are shown); the chart and the demo take them all")
                with gr.Row():
                    follow = gr.Button("Follow in Train")
                    run_stop = gr.Button("Stop this run")
                    run_resume = gr.Button("Resume this run")
                run_notice = gr.Markdown()
                with gr.Row():
                    demo_button = gr.Button("Open a demo of the chosen runs")
                    demo_link = gr.Markdown()  # its URL: a page with chat and the report only, to show others
                demo_button.click(demo_page.open_demo, chosen, demo_link, api_name="run_demo")
                curve_x = fields.Radio(h.CURVE_AXES, value="step", label="x axis")
                run_chart = gr.Plot(label="loss of the chosen runs")
                run_report = gr.HTML()  # the before/after report of the run the buttons act on (picked last)
                details = gr.JSON(label="the run the buttons act on (picked last)")
                with gr.Row():
                    download = gr.Button("Download adapter (zip)")
                    archive = gr.File(label="adapter")
                with gr.Row():
                    merge = gr.Button("Download merged model (zip)")
                    merged_archive = gr.File(label="merged model (LoRA/IA3 merged onto an fp32 base)")
                merge_notice = gr.Markdown()  # "Merging…", then the zip's size and any warning
                with gr.Row():
                    confirm = gr.Checkbox(label="Yes, delete it")
                    delete = gr.Button("Delete", variant="stop")
                deleted = gr.Markdown()
                refresh.click(h.runs, None, runs_table, api_name="runs").then(h.run_choices, None, chosen,
                                                                              api_name=False)
                chosen.change(h.run_details, chosen, details, api_name="run_details")
                chosen.change(h.run_report, chosen, run_report, api_name="run_report")
                gr.on([chosen.change, curve_x.change], h.run_curves, [chosen, curve_x], run_chart,
                      api_name="run_curves", show_progress="hidden")
                follow.click(h.follow, chosen, [run_id, tabs], api_name=False)
                run_stop.click(h.train_stop, chosen, run_notice, api_name=False).then(h.runs, None, runs_table,
                                                                                      api_name=False)
                run_resume.click(h.train_resume, chosen, run_id, api_name=False).then(
                    lambda: gr.Tabs(selected="train"), None, tabs, api_name=False)
                download.click(h.run_download, chosen, archive, api_name="run_download")
                merge.click(h.run_merge, chosen, [merged_archive, merge_notice], api_name="run_merge",
                            **MODEL_WORK)
                delete.click(h.run_delete, [chosen, confirm], deleted, api_name="run_delete").then(
                    h.runs, None, runs_table, api_name=False)
                with gr.Accordion("Import an adapter", open=False):
                    with gr.Row():
                        import_path = gr.Textbox(label="adapter folder",
                                                 info="a peft folder: adapter_config.json, adapter_model.safetensors")
                        import_base = gr.Textbox(label="base model", placeholder="empty: the adapter's own",
                                                 info="registry name, folder or hub id (from the local cache)")
                        import_name = gr.Textbox(label="name", placeholder="optional")
                    import_button = gr.Button("Import")
                    imported = gr.Markdown()
                import_button.click(h.run_import, [import_path, import_base, import_name], imported,
                                    api_name="run_import").then(h.runs, None, runs_table, api_name=False)

            with gr.Tab("Compare") as compare_tab:
                compare_runs = fields.Dropdown([], multiselect=True, label="tuned runs", allow_custom_value=True)
                prompt = gr.Textbox(d.COMPARE_PROMPT, label="prompt")
                compare_settings = generation_controls(d.COMPARE_NEW_TOKENS)
                compare_button = gr.Button("Compare", variant="primary")
                compare_view = gr.HTML()
                compare_rows = gr.JSON(visible=False)
                with gr.Accordion("Over the validation split", open=False):
                    split_examples = fields.Number(value=d.SPLIT_QUESTIONS, precision=0, label="questions")
                    split_button = gr.Button("Compare on validation questions")
                    split_view = gr.HTML()
                compare_button.click(h.compare, [compare_runs, prompt, *compare_settings],
                                     [compare_view, compare_rows], api_name="compare", **MODEL_WORK)
                split_button.click(h.compare_split, [compare_runs, split_examples, compare_settings[0]], split_view,
                                   api_name="compare_split", **MODEL_WORK)

            with gr.Tab("Chat") as chat_tab:
                adapter = fields.Dropdown([lab.BASE], value=lab.BASE, label="adapter", allow_custom_value=True)
                system_prompt = gr.Textbox(label="system prompt")
                chatbot = gr.Chatbot(label="chat", height=360)
                message = gr.Textbox(label="message", placeholder="Ask something and press Enter")
                chat_settings = generation_controls(d.CHAT_NEW_TOKENS)
                clear = gr.Button("Clear")
                message.submit(h.chat, [message, chatbot, adapter, model, precision, system_prompt, *chat_settings],
                               [chatbot, message], api_name="chat", **MODEL_WORK)
                clear.click(lambda: [], None, chatbot, api_name="chat_clear")

            with gr.Tab("Classify") as classify_tab:
                classify_runs = fields.Dropdown([], multiselect=True, label="classify runs", allow_custom_value=True)
                texts = gr.Textbox(d.CLASSIFY_TEXTS, lines=3, label="texts, one per line")
                with gr.Row():
                    predict_button = gr.Button("Predict", variant="primary")
                    classify_eval_button = gr.Button("Evaluate on validation (before vs after)")
                predict_view = gr.HTML()
                classify_eval_view = gr.HTML()
                predict_button.click(h.predict, [classify_runs, texts], predict_view, api_name="predict", **MODEL_WORK)
                classify_eval_button.click(h.classify_evaluate, classify_runs, classify_eval_view,
                                           api_name="classify_evaluate", **MODEL_WORK)

            with gr.Tab("Evaluate") as evaluate_tab:
                eval_run = fields.Dropdown([], multiselect=True, label="runs (of one base model)",
                                       allow_custom_value=True)
                with gr.Row():
                    eval_examples = fields.Number(value=d.EVAL_EXAMPLES, precision=0, label="validation examples")
                    eval_tokens = fields.Number(value=d.EVAL_NEW_TOKENS, precision=0, label="max new tokens")
                eval_button = gr.Button("Evaluate base vs tuned", variant="primary")
                eval_view = gr.HTML()
                eval_button.click(h.evaluate, [eval_run, eval_examples, eval_tokens], eval_view,
                                  api_name="evaluate", **MODEL_WORK)

        # Choices follow the run store: refreshed whenever a tab that lists runs opens.
        for trigger in (demo.load, compare_tab.select, chat_tab.select):
            trigger(h.chat_run_choices, None, [adapter, compare_runs], api_name=False)
        demo.load(h.experiments, picker, picker, api_name=False)  # the newest experiment, read from disk
        demo.load(h.runs, None, runs_table, api_name=False).then(h.newest_run_chosen, None, chosen, api_name=False)
        runs_tab.select(h.runs, None, runs_table, api_name=False).then(h.run_choices, None, chosen, api_name=False)
        for trigger in (demo.load, classify_tab.select):
            trigger(h.run_choices_of("classify"), None, classify_runs, api_name=False)
        for trigger in (demo.load, evaluate_tab.select):
            trigger(h.run_choices_of(None), None, eval_run, api_name=False)
    return demo


demo = build()


if __name__ == "__main__":
    lab.quiet_libraries()  # library notices go to the log, not this console
    demo.queue(default_concurrency_limit=4).launch(css=CSS, enable_monitoring=False)
