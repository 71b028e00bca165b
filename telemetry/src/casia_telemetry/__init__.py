"""Metrics and traces of every CASIA process (``casia_telemetry.metrics``, ``.tracing``, ``.http``)."""
