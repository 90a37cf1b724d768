"""Chat panel: streaming answers from the base model or any finished run, with a system prompt."""

from __future__ import annotations

import html
import threading

import ipywidgets as w

import lab
from lab import defaults as d
from lab.widgets.base import Panel, model_picker


class ChatPanel(Panel):
    def __init__(self, model: str = lab.DEFAULT_MODEL, precision: str = d.PRECISION):
        self.model, self.precision = model_picker(model, precision)
        self.adapter = w.Dropdown(options=[lab.BASE, *lab.run_ids(task="chat", finished=True)], value=lab.BASE,
                                  description="adapter")
        self.system_prompt = w.Text(description="system")
        self.max_new_tokens = w.BoundedIntText(value=d.CHAT_NEW_TOKENS, min=1, max=2048, description="max tokens")
        self.temperature = w.BoundedFloatText(value=d.GENERATION["temperature"], min=0, max=2, step=0.1,
                                              description="temperature")
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
        replies = lab.stream_reply(self.input.value, self.history, self.adapter.value, self.model.value,
                                   self.precision.value, self.system_prompt.value, confined=True,
                                   max_new_tokens=self.max_new_tokens.value, temperature=self.temperature.value)
        self.input.value = ""

        def stream():
            conversation = None
            for conversation in replies:
                self._render(conversation)
            self.history = conversation or self.history
            self._render(self.history)

        self._worker = threading.Thread(target=lambda: self.attempt(stream), daemon=True)
        self._worker.start()
        return self._worker

    def _render(self, turns: list[dict]) -> None:
        self.conversation.value = "".join(
            f"<p><b>{'you' if t['role'] == 'user' else 'model'}:</b> {html.escape(t['content'])}</p>" for t in turns)

    def clear(self) -> None:
        self.history = []
        self._render(self.history)
