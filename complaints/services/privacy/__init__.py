"""Personal data protection (UU 27/2022): the record of who was shown a reporter's identity, and the retention job
that removes identity documents and anonymises reporters once a case has been closed long enough."""
