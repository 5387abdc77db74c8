"""Studio: the student's workbench beside the live picture (editor, command bar, time, chaos, inspector)."""
