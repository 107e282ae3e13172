"""PDF both ways: LibreOffice conversion (out), reading returned PDFs (in), page assembly."""
