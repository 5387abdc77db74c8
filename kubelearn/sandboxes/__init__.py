"""Sandboxes: who owns which mini cluster, how it ticks in real time, and how it survives restarts."""
