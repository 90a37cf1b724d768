"""The base of the lab's metrics: `evaluate.Metric` subclasses that need no hub and are safe in parallel processes."""

import inspect

import evaluate
from datasets import Features, List, Value

from lab.errors import LabError

# evaluate.Metric's own keyword arguments (cache_dir, experiment_id, num_process, ...).
_MODULE_OPTIONS = set(inspect.signature(evaluate.Metric.__init__).parameters) - {"self", "kwargs"}

# evaluate tries feature sets in order and refuses non-strings only for string features, so strings go first:
# the other way round a label "1" would be silently turned into the integer 1.
LABELS = [
    Features({"predictions": Value("string"), "references": Value("string")}),
    Features({"predictions": Value("int64"), "references": Value("int64")}),
]
TEXTS = [
    Features({"predictions": Value("string"), "references": Value("string")}),
    Features({"predictions": Value("string"), "references": List(Value("string"))}),
]


class LabMetric(evaluate.Metric):
    """A metric used through the normal evaluate API: `compute`, `add`, `add_batch`, `evaluate.combine`.

    Subclasses set `input_features` (one `Features`, or a list tried in order on the first example) and
    `inputs` (the compute() docs), take their options as keyword arguments before calling this `__init__`
    (evaluate calls `_info` from it), and implement `_compute`.

    Inputs are kept in memory by default, so no arrow cache files or locks are written and processes running
    at once cannot collide. Only evaluate's multi-process gathering (`num_process > 1`) needs
    `keep_in_memory=False` with a shared `cache_dir` and a unique `experiment_id`.
    """

    input_features: Features | list[Features]
    inputs: str = ""

    def __init__(self, keep_in_memory: bool = True, **kwargs):
        # evaluate swallows unknown keyword arguments: a misspelt option must not silently leave its default.
        unknown = sorted(set(kwargs) - _MODULE_OPTIONS)
        if unknown:
            raise LabError(
                f"Unknown option for the {type(self).__name__} metric: {', '.join(unknown)}",
                fix=f"Check the spelling; see help(lab.metrics.{type(self).__name__}) for its options.",
            )
        super().__init__(keep_in_memory=keep_in_memory, **kwargs)

    def compute(self, *, predictions=None, references=None, **kwargs):
        """Score the examples added so far plus these ones. Raises LabError when there are none at all."""
        # evaluate itself fails on no examples with an IndexError or AttributeError deep inside.
        if len(self) == 0 and (predictions is None or len(predictions) == 0):
            raise LabError(
                f"No examples to compute the {self.name} metric on",
                fix="Pass predictions (and references) to compute(), or add them with add_batch() first.",
            )
        return super().compute(predictions=predictions, references=references, **kwargs)

    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=inspect.cleandoc(type(self).__doc__ or ""),
            citation="",
            features=self.input_features,
            inputs_description=self.inputs,
        )
