"""Personal data under UU 27/2022, one module per part:

access.py: the access log (Art. 31, 47).
rights.py: the person's rights: "Data saya" links, corrections, requests, erasure (Art. 6–8,
32–33, 40–44).
retention.py: deleting or pseudonymising what is past its retention, with the destruction log
(Art. 42–45).
"""

from .access import member_ids, record_access

__all__ = ["member_ids", "record_access"]
