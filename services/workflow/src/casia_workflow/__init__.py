"""CASIA workflow: the case state machine, sole writer of cases."""
