"""Year-end filing (立卷归档) after DA/T 22-2015: 件, 档号, 归档章, catalogue, binder, manifest, verify."""
