"""The data layer for training: read datasets in any known format, render them into tokens and loss labels."""

from lab.data.classification import ClassificationSplits, describe_classification, read_classification
from lab.data.dataset import DatasetSplits, read_dataset
from lab.data.formats import FORMATS, Example
from lab.data.render import preview, render_example, tokenize_examples

__all__ = ["FORMATS", "ClassificationSplits", "DatasetSplits", "Example", "describe_classification", "preview",
           "read_classification", "read_dataset", "render_example", "tokenize_examples"]
