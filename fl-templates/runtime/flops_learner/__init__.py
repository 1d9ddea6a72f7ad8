"""FLOps learner: trains the user's model as one Flower client."""
