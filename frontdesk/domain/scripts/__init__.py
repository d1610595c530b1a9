"""Scripted replies: the book and the file format's checks."""
