"""The data layer for training: read datasets in any known format, render them into tokens and loss labels."""

from lab.data.dataset import DatasetSplits, read_dataset
from lab.data.formats import FORMATS, Example
from lab.data.render import preview, render_example, tokenize_examples

__all__ = ["FORMATS", "DatasetSplits", "Example", "preview", "read_dataset", "render_example", "tokenize_examples"]
