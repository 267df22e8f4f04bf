"""A report arriving and its reporter: filing (web form and Open311), receipts, tracking, the reporter's actions."""
