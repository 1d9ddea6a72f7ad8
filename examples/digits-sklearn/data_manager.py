from typing import Any, Tuple

from flops_utils.ml_repo_building_blocks import load_dataset
from flops_utils.ml_repo_templates import DataManagerTemplate


class DataManager(DataManagerTemplate):
    def __init__(self):
        (self.x_train, self.x_test), (self.y_train, self.y_test) = self._prepare_data()

    def _prepare_data(self) -> Any:
        dataset = load_dataset()
        dataset.set_format("numpy")
        x = dataset["image"].reshape((len(dataset), -1))
        y = dataset["label"]
        # Pixels 0-255 to 0-1: the model is served with the same scale.
        x = x / 255.0
        # Split the learner's own data: 80% to train, 20% to evaluate each round.
        split = int(0.8 * len(x))
        return (x[:split], x[split:]), (y[:split], y[split:])

    def get_data(self) -> Tuple[Any, Any]:
        return (self.x_train, self.x_test), (self.y_train, self.y_test)
