"""Shared runtime of the CASIA services: settings, logs, Kafka, MongoDB, outbox, inbox, ports, health."""
