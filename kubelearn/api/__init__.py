"""The Kubernetes REST facade: real kubectl and the Python client drive a sandbox through it."""
