"""The surat undangan of a meeting as a document: what it prints (content.py), its PDF (pdf.py)
and its DOCX (docx.py). Saving, finalising, uploading a signed letter and ralat are in
events/services/letters.py."""
