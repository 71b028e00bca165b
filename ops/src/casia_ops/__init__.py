"""CASIA operator commands."""
