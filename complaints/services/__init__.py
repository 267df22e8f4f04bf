"""The rules. Services change state and ``flush()``; the view, task or command that called them commits."""
