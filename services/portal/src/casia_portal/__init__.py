"""CASIA portal: the web screens of the service, in Spanish, over the gateway's public API."""
