"""Runs the CASIA infrastructure and services on one machine."""
