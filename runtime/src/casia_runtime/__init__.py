"""Shared runtime of the CASIA services: settings, logging, Kafka, MongoDB, outbox, inbox, dead letters, health."""
