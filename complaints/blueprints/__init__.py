"""One blueprint per actor. Each view states who may use it (complaints/access.py)."""
