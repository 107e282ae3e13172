"""Form kinds, compiled templates, identity, and fast .docx writing."""
