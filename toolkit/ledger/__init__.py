"""The ledger workbook: schemas, loading, validation, atomic saving and the change journal."""
