"""A run's result after training: put on its base (adapters), answers side by side (compare), scores on a split
(evaluation), a classifier's probabilities and report (classify), and export."""
