"""The Ombudsman's casework: the workflow, its legal clocks and sweep, the history, the officers' queue, letters."""
