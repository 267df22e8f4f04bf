"""Compliance: band tables, live figures per unit, region profiles and targets, the report, exports, imports."""
