"""Chat panel: streaming answers from the base model or any finished run, with a system prompt."""

from __future__ import annotations

import html
import threading

import ipywidgets as w

from lab import views
from lab.generation import GenerationSettings, stream_chat
from lab.models import DEFAULT_MODEL
from lab.paths import confine_model
from lab.serving import BASE
from lab.widgets.base import MODELS, Panel, model_picker


class ChatPanel(Panel):
    def __init__(self, model: str = DEFAULT_MODEL, precision: str = "4bit"):
        self.model, self.precision = model_picker(model, precision)
        self.adapter = w.Dropdown(options=[BASE, *views.finished_run_ids(task="chat")], value=BASE, description="adapter")
        self.system_prompt = w.Text(description="system")
        self.max_new_tokens = w.BoundedIntText(value=128, min=1, max=2048, description="max tokens")
        self.temperature = w.BoundedFloatText(value=0.0, min=0, max=2, step=0.1, description="temperature")
        self.conversation = w.HTML()
        self.input = w.Text(placeholder="Ask something", description="you")
        self.send_button = w.Button(description="Send", button_style="primary")
        self.clear_button = w.Button(description="Clear")
        self.history: list[dict] = []
        self._worker: threading.Thread | None = None
        super().__init__([w.HBox([self.model, self.precision, self.adapter]),
                          w.HBox([self.system_prompt, self.max_new_tokens, self.temperature]),
                          self.conversation, w.HBox([self.input, self.send_button, self.clear_button])])
        self.on_click(self.send_button, self.send)
        self.on_click(self.clear_button, self.clear)

    def send(self) -> threading.Thread:
        """Answer in a background thread, showing the text as it streams; returns the thread."""
        message = self.input.value
        loaded = MODELS.get(confine_model(self.model.value), self.precision.value, self.adapter.value)
        settings = GenerationSettings(max_new_tokens=self.max_new_tokens.value, temperature=self.temperature.value)
        pieces = stream_chat(loaded.model, loaded.tokenizer, message, history=list(self.history),
                             system_prompt=self.system_prompt.value or None, settings=settings)
        self.history.append({"role": "user", "content": message})
        self.input.value = ""

        def stream():
            answer = ""
            for piece in pieces:
                answer += piece
                self._render(answer)
            self.history.append({"role": "assistant", "content": answer})
            self._render()

        self._worker = threading.Thread(target=lambda: self.attempt(stream), daemon=True)
        self._worker.start()
        return self._worker

    def _render(self, partial: str | None = None) -> None:
        turns = list(self.history) + ([{"role": "assistant", "content": partial}] if partial is not None else [])
        self.conversation.value = "".join(
            f"<p><b>{'you' if t['role'] == 'user' else 'model'}:</b> {html.escape(t['content'])}</p>" for t in turns)

    def clear(self) -> None:
        self.history = []
        self._render()
