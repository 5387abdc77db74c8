"""The controller manager: one small level-based reconcile function per resource."""
