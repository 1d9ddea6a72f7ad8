"""Helpers shared by the FLOps learner and aggregator images."""
