"""The training image's entry: SageMaker's container contract (``IMAGE train``) around a repo's own training file.

Amazon's sagemaker-training toolkit ships no wheel (its sdist compiles a C extension) and the builder installs wheels
only; this is the part of its contract a training job relies on, small enough to read in one sitting.
"""
