"""Reading returned forms: extract identity and label/value cells, then match, check and apply."""
