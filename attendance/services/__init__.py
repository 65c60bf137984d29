"""Every write that matters about attendance, one function per use case.

checkin.py: scanning tickets, checking in by hand, undoing, operators and operator links;
tickets.py: tickets for accepted invitations; selfcheckin.py: the venue code, self check-in,
walk-ins and signatures; records.py: excuses (izin) and what the attendance sheet shows.
Each module's public functions are exported here.
"""
