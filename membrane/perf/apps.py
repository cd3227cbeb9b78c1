from django.apps import AppConfig


class PerfConfig(AppConfig):
    """Tools to measure Membrane at party scale: a dataset generator and a
    benchmark. No models."""

    name = "membrane.perf"
    label = "perf"
