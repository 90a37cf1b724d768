"""The lab's faces that need a UI library: the Gradio app."""
