"""One module per measured question; each returns the report sections it fills."""
