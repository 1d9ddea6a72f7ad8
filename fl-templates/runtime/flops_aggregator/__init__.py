"""FLOps aggregator: runs the Flower server that averages the learners' models."""
