"""Places: provinces, regions, service units and agreements (read and changed), and the working-day calendar."""
