"""CASIA message contracts: topics, the CloudEvents envelope, commands and events."""
