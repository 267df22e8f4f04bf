"""What every domain uses: user-facing errors, links, locks, e-mail and the outbox, uploads, health."""
