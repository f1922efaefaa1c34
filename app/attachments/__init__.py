"""Attachments: files on a case (materials, evidence, signed receipts, photos), stored by
content (app/storage.py), described by `Attachment` rows, seen by whoever sees the case."""
