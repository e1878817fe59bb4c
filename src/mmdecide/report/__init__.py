"""Reports: text, tables and words built from engine results and evidence."""
