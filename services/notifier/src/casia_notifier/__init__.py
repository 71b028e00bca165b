"""CASIA notifier: e-mail notices over SMTP."""
