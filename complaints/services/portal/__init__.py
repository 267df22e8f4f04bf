"""The service units' portal: inbox, answers and reports, digests, joint reviews, data exchange under an agreement."""
