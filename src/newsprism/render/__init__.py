"""Render: views of stored data for people (terminal, Markdown) and programs (JSON, CSV).

Article text is untrusted: every view escapes it for the medium it is shown in.
"""
