"""FLOps' helpers for ML repos: the public API of upstream's ``flops_utils``, written for python 3.9-3.13.

Every module imports without datasets, pyarrow or mlflow installed; those are
imported by the one function that needs them.
"""
