"""Online attendance of hybrid and online meetings: reading the participant reports that Zoom,
Google Meet and Microsoft Teams export, and matching their people to the invitations.

tabular.py reads a CSV or XLSX file into rows of text; times.py reads the moments and durations
the platforms write (English and Indonesian locales); platforms/ knows each platform's columns
behind one interface (platforms.PLATFORMS); people.py groups a report's rows by person, merges
their join/leave intervals and matches them to invitations. The writes are in
attendance/services/online_reports.py (upload, preview) and online_import.py.
"""
