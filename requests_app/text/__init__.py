"""Text: verbatim quotes, highlighting them in their article, and cleaning scraped pages."""
