"""CASIA documents: attachments in object storage."""
