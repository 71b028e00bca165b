"""Renders CASIA's Kubernetes manifests (deploy/k8s) and validates them offline."""
